/**
 * Base path of the reference's test-control routes (every API's live under it, JSON in and out), and
 * where a target config's test control is looked for unless it names `testControlUrl`.
 */
export const TEST_CONTROL_PATH = '/__promoproof';
