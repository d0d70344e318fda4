const BOT_PATTERN =
  /bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|monitor|curl|wget|python-requests|httpclient|go-http|axios|node-fetch|headless|lighthouse|pingdom|uptime|feedfetcher|scrapy|java\/|libwww|okhttp/i;

/** Whether a User-Agent is obviously not a person reading (crawlers, previews, scripts, none at all). */
export function isLikelyBot(userAgent: string | undefined): boolean {
  return !userAgent || userAgent.length < 10 || BOT_PATTERN.test(userAgent);
}
