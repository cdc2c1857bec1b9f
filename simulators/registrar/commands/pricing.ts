/** Searching names and listing TLD prices, answered in the account currency asked for. */
import {
  envelope,
  type Handler,
  PREMIUM_USD,
  PRICES,
  RATES,
  registeredElsewhere,
  RENEW_PRICES,
  TRANSFER_PRICES,
} from '../state';

export const PRICING_COMMANDS: Record<string, Handler> = {
  search: (c) => {
    const { p, fail, sim } = c;
    const names = Object.keys(p)
      .filter((k) => /^domain\d+$/.test(k))
      .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
      .map((k) => p[k]!.toLowerCase());
    if (names.length > sim.account.limits.searchBatch)
      return fail('too many domains entered, please search one domain per command');
    const currency = (p['currency'] ?? 'USD').toUpperCase();
    const rate = RATES[currency];
    if (rate === undefined) return fail(`invalid currency ${currency}`);
    const results = names.map((name) => {
      const s = name.split('.')[0] ?? '';
      const t = name.split('.').slice(1).join('.');
      const available = !registeredElsewhere(s) && !sim.domains.has(name);
      const premium = s.startsWith('premium');
      const at = (usd: string) => `${(Number(usd) * rate).toFixed(2)} in ${currency}`;
      const register = premium ? PREMIUM_USD : (PRICES[t] ?? '19.99');
      const renewal = premium ? PREMIUM_USD : (RENEW_PRICES[t] ?? '19.99');
      return {
        DomainName: name,
        Available: available ? 'yes' : 'no',
        ...(p['show_price'] === '1' && available
          ? {
              Price: `Registration Price: ${at(register)} and Renewal price: ${at(renewal)} and Domain is ${premium ? 'a' : 'not a'} Premium Domain`,
            }
          : {}),
      };
    });
    return { SearchResponse: { ResponseCode: '0', SearchResults: results } };
  },
  tld_price: (c) => {
    const { p, fail, command } = c;
    const currency = (p['currency'] ?? 'USD').toUpperCase();
    const rate = RATES[currency];
    if (rate === undefined) return fail(`invalid currency ${currency}`);
    const perPage = Math.max(1, Math.min(500, Number(p['count_per_page'] ?? 100) || 100));
    const page = Math.max(1, Number(p['page_index'] ?? 1) || 1);
    const convert = (usd: string | undefined) => (usd === undefined ? '' : (Number(usd) * rate).toFixed(2));
    const tlds = Object.keys(PRICES).slice((page - 1) * perPage, page * perPage);
    return envelope(command, {
      ResponseCode: '0',
      Status: 'success',
      PriceLevel: 'Regular Pricing',
      Currency: currency,
      TldPrice: tlds.map((t) => ({
        Tld: `.${t}`,
        Usage: 'Usage',
        Price: {
          Unit: '(Price/1 year)',
          Register: convert(PRICES[t]),
          Renew: convert(RENEW_PRICES[t]),
          Transfer: convert(TRANSFER_PRICES[t]),
          Restore: convert('99.00'),
        },
        Privacy: 'Yes',
        IDN: 'Yes',
      })),
    });
  },
};
