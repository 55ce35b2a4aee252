// A real OpenID Connect provider (npm `oidc-provider`) for Discretion's end-to-end sign-in tests.
//
// Test use only: in-memory storage, development signing keys, the library's built-in
// development login and consent pages. Any login name signs in, with any password.
//
// Environment:
//   OIDC_PORT           TCP port on 127.0.0.1 (0 lets the system choose a free one)
//   OIDC_CLIENT_ID      the one confidential client's id
//   OIDC_CLIENT_SECRET  its secret (client_secret_basic or client_secret_post)
//   OIDC_REDIRECT_URI   its one allowed redirect uri
//   OIDC_POST_LOGOUT_REDIRECT_URI  optional: its one allowed post_logout_redirect_uri
//                                  (end_session rejects any post_logout_redirect_uri otherwise)
//
// Prints `READY <issuer>` on stdout once it listens; the issuer is http://127.0.0.1:<port>.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: environment variable ${name} is required`);
    process.exit(2);
  }
  return value;
}

const portText = required('OIDC_PORT');
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`provider.mjs: OIDC_PORT is not a port number: ${portText}`);
  process.exit(2);
}
const clientId = required('OIDC_CLIENT_ID');
const clientSecret = required('OIDC_CLIENT_SECRET');
const redirectUri = required('OIDC_REDIRECT_URI');
const postLogoutRedirectUri = process.env.OIDC_POST_LOGOUT_REDIRECT_URI;

// Listen first, so that with OIDC_PORT=0 the issuer can name the port the system chose.
const server = createServer();
server.on('error', (err) => {
  console.error(`provider.mjs: cannot listen on ${HOST}:${port}: ${err.message}`);
  process.exit(1);
});
await new Promise((resolve) => {
  server.listen(port, HOST, resolve);
});
const issuer = `http://${HOST}:${server.address().port}`;

const SECONDS = { minute: 60, hour: 60 * 60 };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: postLogoutRedirectUri ? [postLogoutRedirectUri] : [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // A client registered for client_secret_basic may also authenticate with
      // client_secret_post: oidc-provider accepts either of the two for it.
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  responseTypes: ['code'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  scopes: ['openid', 'profile', 'email'],
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email'],
  },
  // Put the scopes' claims (name, email) in the id_token too, not only at userinfo,
  // so a client that reads only the id_token sees them.
  conformIdTokenClaims: false,
  async findAccount(_ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: `${sub}@example.test`, name: sub };
      },
    };
  },
  // PKCE (S256) is accepted and checked when the client sends it, but not demanded.
  pkce: { required: () => false },
  features: {
    devInteractions: { enabled: true },
  },
  // Signed cookies, a fresh key per run. Their `secure` flag follows the request's
  // scheme, so they work on plain http. Cookies do not tell ports apart: the app under test
  // on 127.0.0.1 shares the jar with this provider, hence names of their own ("oidc_").
  cookies: {
    keys: [randomBytes(32).toString('base64url')],
    names: {
      session: 'oidc_session',
      interaction: 'oidc_interaction',
      resume: 'oidc_interaction_resume',
    },
  },
  ttl: {
    AccessToken: SECONDS.hour,
    AuthorizationCode: SECONDS.minute,
    IdToken: SECONDS.hour,
    Interaction: SECONDS.hour,
    Session: SECONDS.hour,
    Grant: SECONDS.hour,
  },
});

provider.on('server_error', (_ctx, err) => {
  console.error('provider.mjs: server_error', err);
});

server.on('request', provider.callback());

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

console.log(`READY ${issuer}`);
