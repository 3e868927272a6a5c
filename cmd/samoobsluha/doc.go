// Command samoobsluha is the self-service chat and voice bot server for
// Upgates e-shops, and its tools.
//
// Usage:
//
//	samoobsluha [serve] [flags]      run the server (the default)
//	samoobsluha lint [FILE...]       check scenario files (no file: the embedded default)
//	samoobsluha test [flags] PATH... run scripted dialogs (*.convo.txt)
//	samoobsluha fake-upgates [-addr] serve the fake Upgates shop with the demo data
//	samoobsluha healthcheck [-url]   exit 0 when a running server answers 200
//
// With no Upgates URL the server runs an embedded demo shop; with no Redis
// URL it keeps sessions in memory. main only builds the signal context and
// calls run, which tests call directly with ":0" addresses and a fake
// getenv; run is the only place that reads flags and the environment.
//
// Every flag has an environment twin; a flag beats the environment, which
// beats the default. Secrets are environment only.
//
//	flag                   env                                 default        meaning
//	-addr                  SAMOOBSLUHA_ADDR                    :8080          address to listen on
//	-public-url            SAMOOBSLUHA_PUBLIC_URL              ""             base URL of this server as customers reach it, for the links we hand out and for checking Twilio signatures (default: the address the server listens on)
//	-redis-url             SAMOOBSLUHA_REDIS_URL               ""             Redis URL for sessions and shared state; empty keeps everything in memory (one instance only)
//	-upgates-url           SAMOOBSLUHA_UPGATES_URL             ""             Upgates API base URL (https://SHOP.admin.SERVER.upgates.com/api/v2); empty runs the embedded demo shop
//	(env only)             SAMOOBSLUHA_UPGATES_LOGIN           ""             Upgates API login (env only)
//	(env only)             SAMOOBSLUHA_UPGATES_KEY             ""             Upgates API key (env only)
//	(env only)             SAMOOBSLUHA_VOICE_TOKEN             ""             bearer token telephony adapters send to /voice/turn; empty turns the endpoint off (except in the demo)
//	(env only)             SAMOOBSLUHA_TWILIO_AUTH_TOKEN       ""             Twilio account auth token: turns on /voice/twilio/default and checks Twilio's request signatures
//	(env only)             SAMOOBSLUHA_JAMBONZ_WEBHOOK_SECRET  ""             Jambonz webhook secret: /voice/jambonz/default then also requires a valid Jambonz-Signature (besides the voice token)
//	(env only)             SAMOOBSLUHA_SECRET                  ""             key that signs invoice links; set the same value on every instance (default: random per process)
//	-config                SAMOOBSLUHA_CONFIG                  ""             YAML file listing several bots (see docs/configuration.md); replaces the single default bot
//	-scenario              SAMOOBSLUHA_SCENARIO                ""             scenario YAML file for the default bot; empty uses the embedded default scenario
//	-lang                  SAMOOBSLUHA_LANG                    cs             default language of the default bot: cs or en
//	-allowed-origins       SAMOOBSLUHA_ALLOWED_ORIGINS         ""             comma-separated origins allowed to open the chat socket besides the server's own
//	-session-ttl           SAMOOBSLUHA_SESSION_TTL             30m            idle time after which a conversation expires
//	-turn-timeout          SAMOOBSLUHA_TURN_TIMEOUT            10s            deadline of one bot turn, shop calls included
//	-lockout-max           SAMOOBSLUHA_LOCKOUT_MAX             5              failed verifications before lookups are locked
//	-lockout-window        SAMOOBSLUHA_LOCKOUT_WINDOW          15m            window in which failed verifications are counted (and the lock lasts)
//	-region                SAMOOBSLUHA_REGION                  CZ             default region for phone numbers without a country code
//	-transfer-to           SAMOOBSLUHA_TRANSFER_TO             ""             phone number a voice call is transferred to when the caller asks for a person
//	-cancel-status         SAMOOBSLUHA_CANCEL_STATUS           type:Canceled  status a cancelled order gets: id, name, or type:TYPE
//	-upgates-max-inflight  SAMOOBSLUHA_UPGATES_MAX_INFLIGHT    3              Upgates requests in flight per shop across all instances
//	-trust-proxy           SAMOOBSLUHA_TRUST_PROXY             false          take the client address from the last X-Forwarded-For entry (set behind a load balancer, or lockouts count everyone as one client)
//	-log-level             SAMOOBSLUHA_LOG_LEVEL               info           debug, info, warn or error
//	-log-format            SAMOOBSLUHA_LOG_FORMAT              text           text or json
//	-log-content           SAMOOBSLUHA_LOG_CONTENT             false          log customer text at debug level (personal data: development only)
//
// A bots file (-config) lists several bots with their own scenario, shop,
// origins and voice token; see docs/configuration.md.
package main
