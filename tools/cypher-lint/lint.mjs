// Lints Cypher statements with Neo4j's own parser and semantic analyser.
//
// Input (stdin, JSON): {"labels": [...], "relationshipTypes": [...],
//                       "statements": [{"name": "...", "query": "..."}]}
// Output (stdout, JSON): [{"name": "...", "diagnostics": [{"severity", "message", "line", "column"}]}]
//
// The function and procedure signatures are Neo4j 5's real built-ins, shipped by the package as
// the mockSchema of its own test data, so an unknown function (FalkorDB's distance()) is an error.
// "Parameter $x is not defined" is dropped: parameters are bound at run time.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, isNotParamError } from '@neo4j-cypher/language-support';
import { testData } from './node_modules/@neo4j-cypher/language-support/dist/esm/project/language-support/src/tests/testData.js';

const input = JSON.parse(readFileSync(0, 'utf8'));
const schema = {
  ...testData.mockSchema,
  labels: input.labels ?? [],
  relationshipTypes: input.relationshipTypes ?? [],
  propertyKeys: undefined,
};

const results = input.statements.map(({ name, query }) => {
  const { diagnostics } = lintCypherQuery(query, schema);
  return {
    name,
    diagnostics: diagnostics.filter(isNotParamError).map((d) => ({
      severity: d.severity,
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  };
});
process.stdout.write(JSON.stringify(results));
