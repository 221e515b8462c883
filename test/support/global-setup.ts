// Placeholder until the database harness lands: tests that need PostgreSQL get it from here.
export default async function setup() {}
