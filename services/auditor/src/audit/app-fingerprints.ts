/**
 * How the audit recognises third-party apps in a storefront's home page HTML.
 *
 * FIXME: this is a small hand-written table of about twenty popular apps. It misses most of
 * the Shopify app store and goes stale as vendors move their scripts to new hosts; it should
 * be replaced by a maintained fingerprint data set (such as Wappalyzer's technologies list).
 */

/** One app and the traces it leaves in a page. Any single match counts as detected. */
export interface AppFingerprint {
  name: string;
  category: string;
  /** Hosts (or parent domains) its scripts and stylesheets are loaded from. */
  hosts: readonly string[];
  /** Patterns for the full URL, for apps served from shared CDNs. */
  urls?: readonly RegExp[];
  /** Patterns for inline script text: globals and snippets the app's embed code defines. */
  inline?: readonly RegExp[];
}

export const APP_FINGERPRINTS: readonly AppFingerprint[] = [
  {
    name: "Klaviyo",
    category: "Email marketing",
    hosts: ["klaviyo.com"],
    inline: [/\bwindow\._klOnsite\b/, /\bklaviyo\.com\b/],
  },
  {
    name: "Judge.me",
    category: "Reviews",
    hosts: ["judge.me", "judgeme.imgix.net"],
    inline: [/\bjdgm\w*\s*=/, /\bjudge\.me\b/],
  },
  {
    name: "Stamped.io",
    category: "Reviews",
    hosts: ["stamped.io", "cdn-stamped-io.azureedge.net"],
    inline: [/\bStampedFn\b/, /\bstamped\.io\b/],
  },
  {
    name: "Yotpo",
    category: "Reviews",
    hosts: ["yotpo.com"],
    inline: [/\byotpo\.com\b/, /\bwindow\.yotpo\b/],
  },
  {
    name: "Afterpay",
    category: "Buy now, pay later",
    hosts: ["afterpay.com"],
    inline: [/\bAfterpay\w*\s*=/, /\bafterpay\.com\b/],
  },
  {
    name: "Klarna",
    category: "Buy now, pay later",
    hosts: ["klarna.com", "klarnacdn.net", "klarnaservices.com"],
    inline: [/\bklarna(?:cdn)?\.(?:com|net)\b/],
  },
  {
    name: "Recharge",
    category: "Subscriptions",
    hosts: ["rechargeapps.com", "rechargecdn.com", "rechargepayments.com"],
    inline: [/\bReChargeWidget\b/, /\brecharge(?:apps|cdn)\.com\b/],
  },
  {
    name: "Gorgias",
    category: "Customer support",
    hosts: ["gorgias.chat", "gorgias.io", "gorgias.help"],
    inline: [/\bgorgias\.(?:chat|io)\b/, /\bGorgiasChat\b/],
  },
  {
    name: "Privy",
    category: "Pop-ups",
    hosts: ["privy.com"],
    inline: [/\bwidget\.privy\.com\b/, /\b_privy\b/],
  },
  {
    name: "Omnisend",
    category: "Email marketing",
    hosts: ["omnisend.com", "omnisnippet1.com", "omnisrc.com"],
    inline: [/\bomnisend(?:\.com)?\b/i],
  },
  {
    name: "Hotjar",
    category: "Analytics",
    hosts: ["hotjar.com"],
    inline: [/\b_hjSettings\b/, /\bstatic\.hotjar\.com\b/],
  },
  {
    name: "Google Analytics",
    category: "Analytics",
    hosts: ["google-analytics.com"],
    urls: [/googletagmanager\.com\/gtag\/js/],
    inline: [/\bgtag\(\s*['"]config['"]/, /"Google Analytics":\{/, /\bGoogleAnalyticsObject\b/],
  },
  {
    name: "Meta Pixel",
    category: "Advertising",
    hosts: ["connect.facebook.net"],
    inline: [/\bfbq\(\s*['"]init['"]/, /"Facebook Pixel":\{/],
  },
  {
    name: "TikTok Pixel",
    category: "Advertising",
    hosts: ["analytics.tiktok.com"],
    inline: [/\bttq\.load\(/, /\banalytics\.tiktok\.com\b/],
  },
  {
    name: "Pinterest Tag",
    category: "Advertising",
    hosts: ["ct.pinterest.com"],
    urls: [/\/\/s\.pinimg\.com\/ct\//],
    inline: [/\bpintrk\(\s*['"]load['"]/, /"Pinterest Pixel":\{/],
  },
  {
    name: "Shopify Inbox",
    category: "Live chat",
    hosts: [],
    urls: [/cdn\.shopify\.com\/(?:shopifycloud\/shopify_chat|extensions\/[^/]+\/shopify-chat)\//],
    inline: [/\bShopifyChat\b/],
  },
  {
    name: "Shopify Forms",
    category: "Forms",
    hosts: [],
    urls: [/cdn\.shopify\.com\/extensions\/[^/]+\/forms\//],
  },
  {
    name: "PageFly",
    category: "Page builder",
    hosts: ["pagefly.io"],
    urls: [/\/pagefly[-_][^/]*\.(?:js|css)\b/i],
    inline: [/\b__pagefly\w*/],
  },
  {
    name: "Loox",
    category: "Reviews",
    hosts: ["loox.io", "loox.app"],
    inline: [/\bloox\.(?:io|app)\b/],
  },
  {
    name: "Okendo",
    category: "Reviews",
    hosts: ["okendo.io"],
    inline: [/\bokendo\.io\b/, /\bokeWidgetApi\b/],
  },
  {
    name: "Rebuy",
    category: "Upsell",
    hosts: ["rebuyengine.com"],
    inline: [/\brebuyengine\.com\b/, /\bwindow\.Rebuy\b/],
  },
];

/** Category of apps known only from a Shopify app script URL (one with `?shop=`). */
export const UNIDENTIFIED_APP_CATEGORY = "Shopify app";
