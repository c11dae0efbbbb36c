// Which categories a message written as free text may take: marketing only where the platform operator allowed it.
import { call } from '../api.ts';
import { categories, type Category } from '../pages/templates/templates.tsx';
import { useLoad } from './use-load.ts';

/** The categories offered for free text: all of them when the tenant may send marketing as free text, else the others. */
export function useTextCategories(): readonly Category[] {
  const tenant = useLoad(() => call('GET /api/v1/tenant'), []);
  return tenant.data?.settings.marketingFreeText === true ? categories : categories.filter((c) => c !== 'marketing');
}
