// Global setup for the test suite. The registry-backed parts are started here (see
// test/support/registry/*); unit tests need none of it.
export default async function setup(): Promise<void | (() => Promise<void>)> {}
