// Package estate keeps the inventory of an organisation's systems and
// checks it against two public feeds: end-of-life dates in the
// endoflife.date product format, and the CISA catalogue of Known Exploited
// Vulnerabilities (KEV).
//
// Assets come from imports (a CSV export of a configuration management
// database or a medical-device register, see ReadAssetsCSV) and from what
// Vigil sees (host names, addresses, Windows builds and software seen
// running in events, see Inventory). Merge joins both. A Checker holds the
// loaded feeds (LoadLifecycles, LoadKEV) and turns each asset into a
// Finding: whether its operating system or product is out of support at a
// date, and which known-exploited vulnerabilities its vendor and product
// carry. Windows builds are mapped to release cycles by ParseWindows.
//
// A Register records why each unsupported system is kept, its mitigation,
// owner, review date and board approval, and what goes out of support
// soon.
//
// Importers are all or nothing: a malformed file is refused whole, with an
// error naming the file, line (or byte offset) and reason.
package estate
