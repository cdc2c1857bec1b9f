import { z } from 'zod';
import { paginationQuery } from '../pagination.schema';

export const listDomainsRequest = z.object({ query: paginationQuery });
