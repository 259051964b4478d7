/**
 * The platform's openid format: 28 characters of letters, digits, `-` and `_` (base64url), as
 * every openid the platform issues. The sandbox has no registry of the users of an app, so this
 * is the whole test of "a user of this appid".
 *
 * NOTE: once the buyer registry exists, this becomes a lookup there (an openid issued for this
 * appid); until then any well-formed openid counts as a user of every app.
 */
const OPENID_PATTERN = /^[A-Za-z0-9_-]{28}$/;

export function isUserOfApp(_appid: string, openid: string): boolean {
  return OPENID_PATTERN.test(openid);
}
