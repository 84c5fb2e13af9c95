-- Row-level security for the PostGraphile peer, applied after the data is built.
-- The peer's requests run as role bench_peer (SET LOCAL role from a verified JWT), with
-- jwt.claims.province = 'true' (provincial staff/admin: everything) or jwt.claims.city_id
-- (a municipal bureau: what mic's policies/scopes.py gives it). mic and the baseline connect
-- as the superuser postgres, which bypasses row-level security (FORCE is not set).
-- Ids are compared as text through city, so the policies do not depend on the id type.
DO $$ BEGIN
  CREATE ROLE bench_peer NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
GRANT USAGE ON SCHEMA public TO bench_peer;
GRANT SELECT ON city, industry, centre, alliance_member, organisation TO bench_peer;

-- Cities and industries: readable by all (no row-level security on them).

-- Centres: province-wide, or those of the bureau's city.
ALTER TABLE centre ENABLE ROW LEVEL SECURITY;
CREATE POLICY bench_peer_read ON centre FOR SELECT TO bench_peer USING (
  current_setting('jwt.claims.province', true) = 'true'
  OR city_id = (SELECT c.id FROM city c
                WHERE c.id::text = current_setting('jwt.claims.city_id', true))
);

-- Alliance members: those of the centres the caller sees (centre's policy applies inside).
ALTER TABLE alliance_member ENABLE ROW LEVEL SECURITY;
CREATE POLICY bench_peer_read ON alliance_member FOR SELECT TO bench_peer USING (
  current_setting('jwt.claims.province', true) = 'true'
  OR centre_id IN (SELECT ce.id FROM centre ce)
);

-- Organisations: of the bureau's city, or members of the alliance of one of its centres.
ALTER TABLE organisation ENABLE ROW LEVEL SECURITY;
CREATE POLICY bench_peer_read ON organisation FOR SELECT TO bench_peer USING (
  current_setting('jwt.claims.province', true) = 'true'
  OR city_id = (SELECT c.id FROM city c
                WHERE c.id::text = current_setting('jwt.claims.city_id', true))
  OR id IN (SELECT am.organisation_id FROM alliance_member am)
);
