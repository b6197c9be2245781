// Package targetstore keeps the notification targets an administrator
// adds at run time, from the console or the API, beside the ones of the
// configuration file's notify section: a webhook, a Microsoft Teams or
// Slack incoming webhook, or a syslog (CEF) receiver, each with its own
// name and lowest level.
//
// A Store holds them with a generation, one more at every change, so that
// a node can ask cheaply whether its copy is still current. OpenFile keeps
// them in the data folder (notify/targets.json, mode 0600: a Teams or
// Slack URL carries its own secret); pgstore keeps them in PostgreSQL for
// the scaled-out roles. package storetest holds the tests every Store
// must pass.
package targetstore
