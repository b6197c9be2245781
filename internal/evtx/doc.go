// Package evtx reads Windows EVTX binary event logs as a stream of
// event.Event values.
//
// The reader never seeks, so it works over a pipe or a gzip stream. It
// validates every 64 KiB chunk (signature and both CRC-32 checksums) and
// every record (signature, size and its trailing copy), skips what is broken,
// counts it and remembers where it was, and carries on with the next chunk or
// record. Damage never stops a file.
//
// Speed comes from compiling each BinXML template once per chunk into a plan
// of fields: static values are rendered at compile time and each substitution
// slot is bound to an interned event.FieldID, so a record costs only the
// decoding of its own substitution values.
//
// Fields follow the project's naming contract for Windows events: the System
// element gives EventID (the number only), Version, Level, Task, Opcode,
// Keywords, TimeCreated, EventRecordID, ActivityID, RelatedActivityID,
// ExecutionProcessID, ExecutionThreadID, Channel, Computer, UserID,
// Provider_Name, Provider_Guid and EventSourceName (Execution's ids carry
// the prefix because field names ignore case, and Sysmon's EventData has a
// ProcessId of its own); EventData gives one field per
// <Data Name="X"> and a repeated field "Data" for unnamed values; UserData
// gives one field per leaf element. Values are rendered as evtx_dump renders
// them: integers in decimal, hexadecimal types as 0x..., GUIDs in upper case
// without braces, SIDs as S-1-..., times as RFC 3339 UTC with microseconds,
// binary as upper-case hexadecimal. Array values give one field value per
// element.
package evtx
