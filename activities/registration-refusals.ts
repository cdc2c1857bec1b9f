import { ApplicationFailure } from '@temporalio/activity';
import type { OrderRow } from '../src/db/models';
import { formatMinor } from '../src/money';
import { RegistrarError } from '../src/registrar/errors';
import { AppError } from '../src/services/errors';
import { premiumPrice } from '../src/services/premium';
import { OrderFailures } from '../workflows/contracts';
import type { OrderActivityDeps } from './order-records';

/*
 * A wallet order asks the registrar nothing before it registers (services/order-checks.ts): its
 * registration is the availability check. When the registrar refuses it as taken or premium,
 * the order fails with the answer the API's pre-check used to give.
 */

type RefusalCode = 'domain_unavailable' | 'premium_price_required' | 'premium_not_offered';

/** A final refusal whose `details[0].code` is the order's failure code (the 422 the caller gets). */
function refusal(code: RefusalCode, message: string): never {
  throw ApplicationFailure.create({
    message,
    type: OrderFailures.RegistrarRejected,
    nonRetryable: true,
    details: [{ code }],
  });
}

/**
 * The registrar refused the registration (`err.refusal` set): taken, or premium and sent
 * without `premium=1`. A premium name's price is looked up (one `search`, on this path only)
 * so the refusal says what to send to accept it.
 */
export async function refusedRegistration(
  deps: Pick<OrderActivityDeps, 'db' | 'registrar' | 'pricing'>,
  order: OrderRow,
  err: RegistrarError,
): Promise<never> {
  const { db, registrar } = deps;
  if (err.refusal === 'not_available') refusal('domain_unavailable', 'The domain is not available.');
  const reseller = (await db('resellers').where({ id: order.resellerId }).first('currency', 'markupBps')) as {
    currency: string;
    markupBps: number;
  };
  // An order's domain is registrable: its first label, then its TLD.
  const tld = order.domainName.slice(order.domainName.indexOf('.') + 1);
  let asked = '';
  try {
    const [found] = await registrar.search([order.domainName]);
    if (found?.premium && found.price) {
      const price = await premiumPrice(
        { db, config: deps.pricing },
        {
          tld,
          years: order.years,
          registrarPrice: found.price,
          registrarCurrency: registrar.currency,
          reseller,
        },
      );
      asked = ` Send premium_price ${formatMinor(price.amountMinor, reseller.currency.trim())} to accept it.`;
    }
  } catch (lookup) {
    // Not sold here, or no price to be had: the refusal says so without a price.
    if (lookup instanceof AppError)
      refusal(
        lookup.code === 'premium_not_offered' ? 'premium_not_offered' : 'premium_price_required',
        lookup.message,
      );
    if (!(lookup instanceof RegistrarError)) throw lookup;
  }
  refusal(
    'premium_price_required',
    `This is a premium name.${asked || ' Search it for its price, then send premium_price to accept it.'}`,
  );
}
