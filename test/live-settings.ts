/** Settings a production process needs (each development default replaced), for config tests. */
export const LIVE_SETTINGS: Record<string, string> = {
  NODE_ENV: 'production',
  SECRETS_KEY: 'a-real-secret-key-of-some-length',
  DYNADOT_API_URL: 'https://api.dynadot.com/api3.json',
  DYNADOT_API_KEY: 'live-key',
  MIDTRANS_SERVER_KEY: 'Mid-server-live',
  XENDIT_SECRET_KEY: 'xnd_production_live',
  XENDIT_CALLBACK_TOKEN: 'live-callback-token',
  PAYLOAD_KEYS: `live-1=${Buffer.alloc(32, 7).toString('base64')}`,
};
