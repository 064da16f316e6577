/**
 * One entry in the staff navigation, declared by the module that owns the page. The bar shows
 * an entry to those the policy allows `action`, in `order` (lower first).
 */
export interface NavEntry {
  href: string;
  /** The i18n key of the link's text. */
  labelKey: string;
  /** The policy action a person needs to see the entry. */
  action: string;
  order: number;
}
