// Integration tests wait on real brokers and databases; the per-test cap is generous, the whole run is capped too.
jest.setTimeout(120_000);
