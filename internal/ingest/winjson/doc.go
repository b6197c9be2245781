// Package winjson reads Windows events, and other security events, written
// as JSON objects into event.Event, with the field names of the Windows
// event XML that Sigma rules use.
//
// It understands these layouts, told apart by their members:
//
//   - evtx_dump and similar renderings of the XML ({"Event": {"System": ...,
//     "EventData": ..., "UserData": ...}}): System elements become the
//     contract's names (EventID without Qualifiers, Provider_Name,
//     TimeCreated from SystemTime, ExecutionProcessID and ExecutionThreadID
//     from Execution (prefixed: EventData often has a ProcessId of its own),
//     UserID from Security, ...); a named Data element is a field of its
//     name, unnamed ones repeat field "Data"; each leaf element of UserData
//     (or of any other section) is a field named after it, and evtx_dump's
//     renamed repeats (Header, Header_1, ...) are values of one field
//     again. Attributes other than System's and Data's Name are left out
//     and RenderingInfo is dropped, as the EVTX reader does, so that both
//     forms of an event give the same fields.
//   - Winlogbeat and ECS: winlog.event_data.X and winlog.user_data.X become
//     X; winlog.event_id, channel, computer_name, provider_name,
//     provider_guid, record_id, version, activity_id, related_activity_id,
//     process.pid, process.thread.id and user.identifier become EventID,
//     Channel, Computer, Provider_Name, Provider_Guid, EventRecordID,
//     Version, ActivityID, RelatedActivityID, ExecutionProcessID,
//     ExecutionThreadID and UserID.
//     Every other member keeps its dotted name (process.command_line, ...).
//     Winlogbeat 6's top-level event_data, computer_name, log_name,
//     source_name and record_number are mapped the same way.
//   - nxlog and other flat Windows JSON: top-level Hostname → Computer,
//     SourceName → Provider_Name, ProviderGuid → Provider_Guid,
//     RecordNumber → EventRecordID, EventTime → TimeCreated,
//     ExecutionProcessID and ExecutionThreadID as they are,
//     OpcodeValue → Opcode. A numeric Keywords (nxlog writes a signed
//     64-bit integer) is rendered in hex like the XML: "0x8000000000000000".
//   - Any flat JSON: a "logsource" object's product, category and service
//     fill ev.LogSource; every other member is a field, nested objects
//     flattened with dotted names.
//
// Values: strings are unescaped (all JSON escapes, surrogate pairs joined,
// unpaired surrogates become U+FFFD; invalid UTF-8 and raw control
// characters, which some producers write, pass through as they are, and
// outside strings count as whitespace);
// numbers keep the text they were written with; true and false become
// "true" and "false"; an array gives its field one value per element.
//
// Null: in flat layouts a null value leaves its field out, so that a Sigma
// rule's "Field: null" (the field is absent or null) matches, and
// "Field|exists" is false, as in Elasticsearch. In the evtx_dump layout null
// stands for an empty element (<Data Name="X"/>), so an EventData or
// UserData field that is null is present and empty, as the XML parser
// gives it; null System elements (Correlation, Security) add nothing.
//
// Metadata: ev.Host is Computer; ev.Record is EventRecordID; ev.Time is
// TimeCreated when it has a zone (the XML's SystemTime), else Sysmon's
// UtcTime, else @timestamp, else a zoneless TimeCreated read as UTC.
//
// Speed: objects are read by a small scanner over []byte that flattens as
// it goes, with no map[string]any and one allocation per event for all its
// values (none with DecodeReuse, for a caller that reuses its events);
// field names are interned once per decoder.
package winjson
