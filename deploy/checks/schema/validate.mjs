// Validates Kubernetes documents (YAML on stdin, several per stream) against the OpenAPI
// schemas shipped in the npm packages kubernetes-models (core API), @kubernetes-models/keda
// and @kubernetes-models/prometheus-operator. Strimzi kinds have no such package: they are
// listed as not validated. Prints one line per document; exits 1 when any is invalid.
import { readFileSync } from "node:fs";
import * as yaml from "js-yaml";

const packages = [
  [/^keda\.sh\//, (g, v, k) => `@kubernetes-models/keda/${g}/${v}/${k}`],
  [/^monitoring\.coreos\.com\//, (g, v, k) => `@kubernetes-models/prometheus-operator/${g}/${v}/${k}`],
  [/^[a-z.]*\/?v[0-9a-z]+$/, (g, v, k) => `kubernetes-models/${g ? g + "/" : ""}${v}/${k}`],
];

const docs = yaml.loadAll(readFileSync(0, "utf8")).filter((d) => d && d.kind);
let invalid = 0;
for (const doc of docs) {
  const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : ["", doc.apiVersion];
  const name = `${doc.kind} ${doc.metadata?.name}`;
  const entry = doc.apiVersion.endsWith("strimzi.io/v1beta2") ? null
    : packages.find(([re]) => re.test(doc.apiVersion));
  if (!entry) {
    console.log(`SKIP ${doc.apiVersion} ${name}: no schema package`);
    continue;
  }
  let mod;
  try {
    mod = await import(entry[1](group, version, doc.kind));
  } catch (e) {
    console.log(`SKIP ${doc.apiVersion} ${name}: ${e.code ?? e.message}`);
    continue;
  }
  try {
    new mod[doc.kind](doc).validate();
    console.log(`OK ${doc.apiVersion} ${name}`);
  } catch (e) {
    invalid++;
    console.log(`INVALID ${doc.apiVersion} ${name}: ${e.message}`);
  }
}
process.exit(invalid ? 1 : 0);
