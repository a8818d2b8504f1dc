-- The 1,000,000-row table behind the appeals search figures of docs/benchmarks.md (issue 14,
-- point 5): the appeal's search columns and indexes alone. Run with
--   psql "$DATABASE_URL" -f bench/appeal_search.sql   (needs pg_trgm; drops bench_appeal_search)
-- The EXPLAIN ANALYZE of each kind of search follows the table (the phone is that of row 123456).
DROP TABLE IF EXISTS bench_appeal_search;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE bench_appeal_search AS
SELECT g AS id,
  'akz-2026-' || lpad(g::text, 6, '0') || ' ' ||
    (ARRAY['иванов','ахметова','сейткали','петрова','нурланов','жумабаев','ким','смагулов','оспанова','байжанов','ли','тулеген'])[1 + g % 12]
    || (g % 997)::text || ' ' ||
    (ARRAY['сергей','айгерим','арман','ольга','ерлан','динара','максат','анна','бауыржан','жанна'])[1 + (g / 12) % 10] AS search_key,
  '70' || lpad(((g::bigint * 7919) % 100000000)::text, 8, '0') AS search_phone,
  'akz-2026-' || lpad(g::text, 6, '0') || ' ' || (ARRAY['нет воды','ремонт дороги','свет','отопление в школе','автобус не ходит'])[1 + g % 5] AS search_text,
  now() - (g || ' minutes')::interval AS received_at
FROM generate_series(1, 1000000) g;
CREATE INDEX ON bench_appeal_search USING gin (search_key gin_trgm_ops);
CREATE INDEX ON bench_appeal_search USING gin (search_phone gin_trgm_ops);
CREATE INDEX ON bench_appeal_search USING gin (search_text gin_trgm_ops);
CREATE INDEX ON bench_appeal_search (received_at);
ANALYZE bench_appeal_search;

EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) SELECT id FROM bench_appeal_search WHERE (search_key LIKE '%иванов517%' OR search_text LIKE '%иванов517%') ORDER BY received_at DESC, id DESC LIMIT 50;
EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) SELECT id FROM bench_appeal_search WHERE (search_key LIKE '%сергей%' OR search_text LIKE '%сергей%') AND (search_key LIKE '%иванов517%' OR search_text LIKE '%иванов517%') ORDER BY received_at DESC, id DESC LIMIT 50;
EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) SELECT id FROM bench_appeal_search WHERE (search_key LIKE '%7077648064%' OR search_phone LIKE '%7077648064%') ORDER BY received_at DESC, id DESC LIMIT 50;
EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) SELECT id FROM bench_appeal_search WHERE (search_key LIKE '%4567%' OR search_phone LIKE '%4567%') ORDER BY received_at DESC, id DESC LIMIT 50;
EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) SELECT id FROM bench_appeal_search WHERE (search_key LIKE '%akz-2026-000123%' OR search_text LIKE '%akz-2026-000123%') ORDER BY received_at DESC, id DESC LIMIT 50;
EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) SELECT id FROM bench_appeal_search WHERE search_text LIKE '%отопление%' ORDER BY received_at DESC, id DESC LIMIT 50;
