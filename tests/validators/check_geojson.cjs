// Check GeoJSON files with @placemarkio/check-geojson (an outside validator, not ours).
// Usage: node check_geojson.cjs FILE...   A file ending in .geojsons is an RFC 8142 sequence:
// each record (RS ... LF) is checked on its own. Prints {"file": [issues]} and exits 1 on any issue.
"use strict";
const fs = require("fs");
const { getIssues } = require("@placemarkio/check-geojson");

const report = {};
let failed = false;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, "utf8");
  const records = file.endsWith(".geojsons")
    ? text.split("\x1e").filter((record) => record.trim() !== "")
    : [text];
  report[file] = records.flatMap((record) => getIssues(record));
  failed = failed || report[file].length > 0;
}
console.log(JSON.stringify(report));
process.exit(failed ? 1 : 0);
