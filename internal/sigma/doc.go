// Package sigma parses, validates and compiles Sigma 2.1 rules: detection
// rules, filters and correlation rules.
//
// Load and Parse read YAML files (several documents each), refuse what the
// specification does not allow with a Refusal naming the file, line and
// YAML path, and compile each detection rule once into a matcher tree bound
// to event.FieldIDs. Matching then does no map look-ups and no allocations.
//
// Semantics where the specification leaves a choice:
//
//   - Values are compared case-insensitively (cased: exactly); regular
//     expressions are case-sensitive unless re|i.
//   - A field with several values matches an item when any value matches;
//     with "all", each listed value must match some value of the field.
//   - A missing field matches no item except null, `exists: false` and the
//     condition's not. `Field: null` means the field is absent.
//   - neq means the field is present and no value equals (or, chained,
//     matches) any listed value; a missing field does not match neq, unlike
//     "not" in the condition.
//   - Keywords (values without a field) are searched for in every value of
//     every field, as substrings unless a modifier says otherwise.
//   - Numbers in rules match their text ("EventID: 4688" matches "4688");
//     lt, lte, gt and gte compare numerically and never match a value that
//     is not a number.
//   - A filter is folded into each rule it names (by id or name) whose log
//     source it covers: the rule's condition becomes "condition and
//     filter-condition", as in pySigma.
package sigma
