/** The reference's exact error strings for stores that cannot be analysed. */
export const NOT_SHOPIFY_MESSAGE = "This domain does not appear to be a Shopify store.";
export const PASSWORD_PROTECTED_MESSAGE =
  "This Shopify store is password-protected and cannot be scanned.";
