/**
 * Reports whether a tool some tests need is present. When it is absent those tests skip with a
 * message, unless `SHOPSNIFFER_REQUIRE_TOOLS=1`: `.ci/run` installs every tool and sets it, so a
 * lost install fails the run instead of quietly skipping tests.
 */
export function prerequisite(present: boolean, whenMissing: string): boolean {
  if (present) return true;
  if (process.env.SHOPSNIFFER_REQUIRE_TOOLS === "1") {
    throw new Error(`${whenMissing} (SHOPSNIFFER_REQUIRE_TOOLS=1)`);
  }
  console.warn(whenMissing);
  return false;
}
