"""Scrapy settings for fazhi: polite defaults for small county servers.

The county configuration ([crawl] in the TOML) overrides the limits at run time
(crawler.runner.build_settings); these are the values when it says nothing.
"""

BOT_NAME = "fazhi"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# a government site is a public service, not a target: identify, obey, go slowly
USER_AGENT = "fazhi/0.1 (+rule-of-law site check)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16  # across all configured domains
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # county servers are small
DOWNLOAD_DELAY = 1.0  # seconds between requests to one domain
DOWNLOAD_DELAY_JITTER = 0.5  # 0.5×–1.5× the delay, like a person
AUTOTHROTTLE_ENABLED = True  # slow down further when the server slows down
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30  # a county server that needs longer is down for our purpose
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 520, 522, 524, 408, 429]
FAZHI_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled for each further one
FAZHI_RETRY_BACKOFF_MAX = 30.0
DEPTH_LIMIT = 12
DEPTH_PRIORITY = 1  # breadth first: every section's first pages before deep pagination
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024  # pages; attachments get their own limit per request
DOWNLOAD_WARNSIZE = 0
# items go to one synchronous pipeline; Scrapy starts this many tasks for every response
CONCURRENT_ITEMS = 1
COOKIES_ENABLED = True  # some CMSs set a session cookie before serving lists
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"
# 404/410 are answers (the document is absent); 304 means "unchanged since last night"
HTTPERROR_ALLOWED_CODES = [304, 404, 410]
REFERER_ENABLED = True
# when crawl.http_cache is on, honour the server's caching headers instead of caching forever
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"

# Every middleware costs each request a few wrapped calls, which is most of what a
# nightly re-crawl of unchanged pages spends: only the ones that do work for us run.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.ScopeMiddleware": 50,
    "crawler.middlewares.VolatileParamMiddleware": 55,
    "crawler.middlewares.BackoffMiddleware": 60,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,  # ScopeMiddleware does its work
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,  # no site needs a password
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.MetaRefreshMiddleware": 580,
    # last before the downloader, so that a request answered from the HTTP cache takes no token;
    # installed only when a deployment shares per-host budgets (FAZHI_POLITENESS_URL)
    "crawler.politeness.SharedPolitenessMiddleware": 990,
}
DOWNLOADER_STATS = False  # byte counts nobody reads
SPIDER_MIDDLEWARES = {
    # warns about a mistake the spider does not make, at a cost on every request it yields
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,  # crawler.urls.is_trap has a stricter limit
}
DUPEFILTER_CLASS = "crawler.dupefilter.SeenUrlFilter"
# Scrapy's check of callbacks for "return value in a generator" re-parses the source on
# every response (its cache is keyed by the bound method, new for each request)
WARN_ON_GENERATOR_RETURN_VALUE = False
# attachments get their text in worker processes (crawler.extract_worker) before they are stored
ITEM_PIPELINES = {"crawler.extract_worker.AttachmentTextPipeline": 200, "crawler.pipelines.StorePipeline": 300}
# the pipeline awaits its worker threads through asyncio
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# responses whose items are still in the pipeline count here; past it Scrapy starts no new
# download, so the default 5 MB would stop the crawl while one large attachment is extracted
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 64 * 1024 * 1024
EXTENSIONS = {
    "crawler.progress.Progress": 500,
    # never used by a nightly crawl; each would still be imported and set up
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.feedexport.FeedExporter": None,
    "scrapy.extensions.memdebug.MemoryDebugger": None,
}

FAZHI_STORE_BATCH = 200  # documents per commit
FAZHI_STORE_INTERVAL = 2.0  # seconds between commits at most

# a deployment's shared per-host request budget (crawler/politeness.py): the Redis URL, the
# requests per second of any host, and {host: rate} for hosts whose rate differs
FAZHI_POLITENESS_URL = None
FAZHI_HOST_RATE = 2.0
FAZHI_HOST_RATES: dict[str, float] = {}
