// Vigil console: progressive enhancement only. Every page works without
// this file.
"use strict";
