import { BaseModel } from './base';

export class ApiLog extends BaseModel {
  static override tableName = 'api_logs';
  static override jsonAttributes = ['requestHeaders', 'requestQuery', 'requestBody', 'responseBody'];

  id!: string;
  requestId!: string;
  resellerId!: number | null;
  credentialId!: number | null;
  method!: string;
  path!: string;
  route!: string | null;
  status!: number;
  ip!: string | null;
  durationMs!: number;
  requestHeaders!: Record<string, unknown>;
  requestQuery!: Record<string, unknown>;
  requestBody!: unknown;
  responseBody!: unknown;
  errorCode!: string | null;
  createdAt!: Date;
}
