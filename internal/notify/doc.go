// Package notify tells people and other systems about alerts: a generic
// JSON webhook, Microsoft Teams and Slack incoming webhooks, SMTP email,
// and syslog/CEF forwarding to another SIEM. Each of these is a Target; a
// Dispatcher sits between the alert pipeline and the targets, filtering by
// level (per Route: each target may have its own lowest level),
// throttling repeats of the same alert, queueing boundedly and retrying
// with backoff, so that a slow or broken target never holds up detection.
// Its routes may be replaced while it runs (SetRoutes, when an
// administrator adds or removes a target in the console): a route kept
// keeps what it had queued. SendTest sends one clearly-marked test alert
// straight to a target, bypassing the Dispatcher, to show it works.
//
// Package targetstore keeps the targets added at run time; those of the
// configuration file below stay as the file says.
//
// Ownership: Dispatcher.Notify copies the alert it is given (the caller
// may go on changing it); a Target's Send must not keep or change the
// alert after it returns.
//
// Configuration. The service reads this section of its YAML file and
// builds the targets from it. Secrets are never written in the file: a
// key ending in _env names the environment variable that holds the
// secret.
//
//	notify:
//	  min_level: high            # informational, low, medium, high (default) or critical
//	  webhooks:
//	    - url: https://soc.example.nhs.uk/hooks/vigil
//	      headers:               # sent as given; use headers_env for secrets
//	        X-Source: vigil
//	      headers_env:           # header name -> environment variable holding its value
//	        Authorization: VIGIL_WEBHOOK_AUTH
//	  teams:
//	    - https://example.webhook.office.com/webhookb2/...
//	  slack:
//	    - https://hooks.slack.com/services/...
//	  smtp:
//	    addr: smtp.example.nhs.uk:587
//	    username: vigil@example.nhs.uk
//	    password_env: VIGIL_SMTP_PASSWORD
//	    from: vigil@example.nhs.uk
//	    to: [soc@example.nhs.uk, it-oncall@example.nhs.uk]
//	    starttls: auto           # auto: when offered (default); required; off
//	  syslog:
//	    - network: tcp           # udp or tcp (octet-counted framing)
//	      addr: siem.example.nhs.uk:514
//
// Teams and Slack webhook URLs carry their own secret; where that matters
// the service may also accept url_env in their place. Errors and target
// names show a URL's scheme and host only, never its path or query.
//
// Wire formats. The webhook POSTs {"version":1,"alert":{...}} where the
// alert object has the JSON shape of alert.Alert (id, rule_id, rule_title,
// level, tags, host, user, key, count, first_seen, last_seen,
// incident_id, records, status, event); the version changes only when a
// field changes meaning or goes away. Syslog targets send one RFC 5424
// message per alert (facility local4, severity from the level; octet
// counting on TCP) whose MSG is a CEF:0 record:
//
//	CEF:0|Vigil|Vigil|<version>|<rule id>|<rule title>|<0-10>|rt=<last seen, ms>
//	  start=<first seen, ms> end=<last seen, ms> dhost=<host> duser=<user>
//	  cnt=<count> cs1=<incident id> cs1Label=Incident ID externalId=<alert id>
//	  cs2=<tags, comma-separated> cs2Label=Tags msg=<summary>
//
// with severity informational 1, low 3, medium 5, high 8, critical 10,
// empty extension values left out, and escaping per the CEF spec.
package notify
