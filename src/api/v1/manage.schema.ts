import { z } from 'zod';
import { glueHostBody } from '../../services/glue-hosts';
import { contactSchema, flagSchema, nameserversSchema } from '../contacts.schema';

const domainParam = z.object({ domain: z.string().min(1).max(1000) });

export const domainRequest = z.object({ params: domainParam });
export const nameserversRequest = z.object({
  params: domainParam,
  body: z.object({ nameservers: nameserversSchema }),
});
export const whoisRequest = z.object({
  params: domainParam,
  body: z.object({ registrant: contactSchema, admin: contactSchema }),
});
export const lockRequest = z.object({ params: domainParam, body: z.object({ locked: flagSchema }) });
export const privacyRequest = z.object({ params: domainParam, body: z.object({ enabled: flagSchema }) });
export const operationRequest = z.object({ params: z.object({ operation: z.string().min(1).max(300) }) });

const hostParam = z.object({ domain: z.string().min(1).max(1000), host: z.string().min(1).max(253) });

export const hostsRequest = z.object({ params: domainParam });
export const registerHostRequest = z.object({
  params: domainParam,
  body: glueHostBody,
});
export const setHostRequest = z.object({
  params: hostParam,
  body: z.object({ ips: glueHostBody.shape.ips }),
});
export const deleteHostRequest = z.object({ params: hostParam });
