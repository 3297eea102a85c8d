// The benchmark's peer (docs/BENCHMARKS.md, "Beside the Neo4j GraphQL Library"): the Neo4j
// GraphQL Library serving the graph our service serves, from the same Neo4j.
//
// Usage: node server.mjs TYPEDEFS_FILE PORT, with NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and
// NEO4J_DATABASE in the environment. The type definitions are written by bench/peer.py from our
// registered statements (whoCanServe's @cypher carries our matching statement), so they are not
// kept here. Listens on 127.0.0.1 only; prints "ready http://127.0.0.1:PORT/graphql" when it
// answers, and stops when its standard input closes (it cannot outlive the benchmark) or on
// SIGTERM.
//
// Apollo Server, because it is the server the library's own documentation starts from
// (startStandaloneServer), so the peer is the library as its users meet it; its standalone HTTP
// server is Node's own http module, as lean as graphql-yoga's.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const [typeDefsFile, port] = process.argv.slice(2);
const typeDefs = readFileSync(typeDefsFile, "utf8");
const driver = neo4j.driver(
  process.env.NEO4J_URI,
  neo4j.auth.basic(process.env.NEO4J_USER, process.env.NEO4J_PASSWORD),
  { maxConnectionPoolSize: 32 },
);
const library = new Neo4jGraphQL({ typeDefs, driver });
const schema = await library.getSchema();
const server = new ApolloServer({ schema, introspection: true });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(port) },
  context: async () => ({ sessionConfig: { database: process.env.NEO4J_DATABASE } }),
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  await driver.close();
  process.exit(0);
}
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
console.log(`ready ${url}`.replace("localhost", "127.0.0.1"));
