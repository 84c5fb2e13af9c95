// PostGraphile 5 as the benchmark's peer: amber preset, production-like (no GraphiQL, no
// watch, no explain), one Node process, schema "public" of DATABASE_URL, listening on
// 127.0.0.1:PORT. Requests carry "Authorization: Bearer <HS256 JWT>" signed with
// MIC_TOKEN_SECRET (bench/peer.py issues them); its claims become the transaction's
// role and jwt.claims.* settings, which the row-level-security policies of rls.sql read.
"use strict";

const { createHmac, timingSafeEqual } = require("node:crypto");
const { createServer } = require("node:http");
const { postgraphile } = require("postgraphile");
const { PostGraphileAmberPreset } = require("postgraphile/presets/amber");
const { makePgService } = require("postgraphile/adaptors/pg");
const { grafserv } = require("postgraphile/grafserv/node");
const { jsonPgSmartTags } = require("postgraphile/utils");

const SECRET = process.env.MIC_TOKEN_SECRET;
const AUDIENCE = "postgraphile";
const ROLE = "bench_peer"; // the only role a token may ask for

function unauthorized(reason) {
  return Object.assign(new Error(`invalid token: ${reason}`), { statusCode: 401 });
}

// The claims of a valid HS256 JWT, or throws.
function verify(token) {
  const parts = token.split(".");
  if (parts.length !== 3) throw unauthorized("malformed");
  const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
  if (header.alg !== "HS256") throw unauthorized("algorithm");
  const expected = createHmac("sha256", SECRET).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthorized("signature");
  }
  const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) throw unauthorized("exp");
  if (claims.aud !== AUDIENCE) throw unauthorized("aud");
  if (claims.role !== ROLE) throw unauthorized("role");
  return claims;
}

// pgSettings of one request: no token = the bench role with no claims (cities, industries).
function pgSettingsOf(req) {
  const header = req?.headers?.authorization;
  if (typeof header !== "string" || !header.startsWith("Bearer ")) return { role: ROLE };
  const claims = verify(header.slice(7));
  return {
    role: ROLE,
    "jwt.claims.city_id": claims.city_id == null ? "" : String(claims.city_id),
    "jwt.claims.province": claims.province === true ? "true" : "false",
  };
}

// Unindexed columns are not orderable by default; mic orders centres by (name, id) and
// members by (joined_on, id): allow the same orders here.
const OrderTags = jsonPgSmartTags({
  version: 1,
  config: {
    class: {
      centre: { attribute: { name: { tags: { behavior: "+orderBy" } } } },
      alliance_member: { attribute: { joined_on: { tags: { behavior: "+orderBy" } } } },
    },
  },
});

const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [OrderTags],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      // pg's default pool (10 connections), but idle ones are kept: a backend that exits
      // takes its CPU time out of the benchmark's sum over the postgres processes.
      poolConfig: { idleTimeoutMillis: 0 },
    }),
  ],
  grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: {
    explain: false,
    context(requestContext) {
      return { pgSettings: pgSettingsOf(requestContext.node?.req) };
    },
  },
};

async function main() {
  if (!SECRET) throw new Error("MIC_TOKEN_SECRET is not set");
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  serv.addTo(server);
  await serv.ready();
  const port = Number(process.env.PORT || 5678);
  server.listen(port, "127.0.0.1", () => console.log(`peer listening on 127.0.0.1:${port}`));
  const stop = () => {
    server.close();
    pgl.release().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
