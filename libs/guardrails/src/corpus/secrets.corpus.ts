import { join, negative, positive, type CorpusCase } from './corpus.types.js';

const b64url = (json: object): string => Buffer.from(JSON.stringify(json)).toString('base64url');
const JWT = join(b64url({ alg: 'HS256', typ: 'JWT' }), '.', b64url({ sub: '1234567890', name: 'John Doe', iat: 1516239022 }), '.', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c');
const JWT_NONE = join(b64url({ alg: 'none' }), '.', b64url({ sub: 'agent-7', admin: true }), '.');
const PEM_BODY = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n';
const PEM = join('-----BEGIN ', 'RSA PRIVATE KEY-----\n', PEM_BODY, '-----END ', 'RSA PRIVATE KEY-----');
const PKCS8 = join('-----BEGIN ', 'PRIVATE KEY-----\\n', PEM_BODY.replace(/\n/g, '\\n'), '-----END ', 'PRIVATE KEY-----\\n');
const OPENSSH = join('-----BEGIN ', 'OPENSSH PRIVATE KEY-----\n', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n', '-----END ', 'OPENSSH PRIVATE KEY-----');
const AWS_ID = join('AKIA', 'IOSFODNN7EXAMPLE');
const AWS_SECRET = join('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY');
const GH = join('gh', 'p_', 'R8h3kd9Wq2LmZx7Pv4Ty6Nc1Bf5Gj0Ks2Ha9');
const GH_FINE = join('github', '_pat_', '11ABCDEFG0aBcDeFgHiJkL', '_', 'mNoPqRsTuVwXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678');
const GITLAB = join('gl', 'pat-', 'xY9zK2mN4pQ7rS1tU3vW');
const SLACK = join('xo', 'xb-', '2345678901-2345678901234-', 'AbCdEfGhIjKlMnOpQrStUvWx');
const SLACK_HOOK = join('https://hooks.slack.com/', 'services/', 'T0AB1CD2E/B0FG3HI4J/', 'aBcDeFgHiJkLmNoPqRsTuVwX');
const STRIPE = join('sk', '_live_', '51H8xYzAbCdEfGhIjKlMnOpQrStUv0123456789');
const STRIPE_TEST = join('rk', '_test_', '4eC39HqLyjWDarjtT1zdp7dc');
const GCP_API = join('AI', 'za', 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY');
const OPENAI = join('sk-', 'proj-', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh');
const ANTHROPIC = join('sk-', 'ant-', 'api03-', 'Xy7zAb3cDe6fGh9iJk2lMn5oPq8rSt1uVw4xYz');
const NPM = join('np', 'm_', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c');
const GATEHOUSE = join('gth', '_live_', 'Q8r2Lm5Nx7Pz1Kc4Vb9Jd3Hf6Gt0Ws2Y');
const RANDOM_40 = 'Tq8Lm2Xv9Kd4Rb7Nw1Pz6Hc3Js5Fg0Ya8Ue2Wi4Q';

export const SECRETS_CORPUS: readonly CorpusCase[] = [
  positive(`aws_access_key_id=${AWS_ID}`, 'aws_access_key'),
  positive(`aws_secret_access_key = ${AWS_SECRET}`, 'aws_secret_key'),
  positive(`export AWS_SECRET_ACCESS_KEY="${AWS_SECRET}"`, 'aws_secret_key'),
  positive(`{"AccessKeyId": "${join('ASIA', 'Y34FZKBOKMUTVV7A')}", "SecretAccessKey": "${AWS_SECRET}"}`, 'aws_access_key', 'aws_secret_key'),
  positive(`git remote set-url origin https://${GH}@github.com/o/r.git`, 'github_token'),
  positive(`GITHUB_TOKEN=${GH}`, 'github_token'),
  positive(`token: ${GH_FINE}`, 'github_token'),
  positive(`GITLAB_TOKEN ${GITLAB}`, 'gitlab_token'),
  positive(`slack bot ${SLACK}`, 'slack_token'),
  positive(`webhook ${SLACK_HOOK}`, 'slack_webhook'),
  positive(`stripe.api_key = "${STRIPE}"`, 'stripe_key'),
  positive(`restricted ${STRIPE_TEST}`, 'stripe_key'),
  positive(`maps key ${GCP_API}`, 'gcp_api_key'),
  positive(`OPENAI_API_KEY=${OPENAI}`, 'openai_api_key'),
  positive(`x-api-key: ${ANTHROPIC}`, 'anthropic_api_key'),
  positive(`//registry.npmjs.org/:_authToken=${NPM}`, 'npm_token'),
  positive(`Authorization: Bearer ${GATEHOUSE}`, 'gatehouse_api_key'),
  positive(`${PEM}`, 'private_key'),
  positive(`key:\n${OPENSSH}\n`, 'private_key'),
  positive(`{"type": "service_account", "project_id": "p", "private_key": "${PKCS8}"}`, 'gcp_service_account_key'),
  positive(`Authorization: Bearer ${JWT}`, 'jwt'),
  positive(`id_token=${JWT_NONE}`, 'jwt'),
  positive(`DATABASE_URL=postgres://app:Zx8Kq2Lm9Np4@db.internal:5432/app`, 'url_credentials'),
  positive(`password=Tr0ub4dor-and-3`, 'password'),
  positive(`"client_secret": "Qm9vLt7Xz2Kp5Rw8"`, 'generic_secret'),
  positive(`api_key: 9f86d081884c7d659a2feaa0c55ad015`, 'generic_secret'),
  positive(`curl -H "Authorization: Bearer Zm9v.YmFy-Qk7Lp2Nx9"`, 'bearer_token'),
  positive(`the token is ${RANDOM_40}, keep it safe`, 'high_entropy_token'),
  positive(`cfg.signingKey("${join('Xk9Lp2Qz7Rm4', 'Vn8Bt1Wc6Jd3Hs5Fg0Ya')}")`, 'high_entropy_token'),

  negative('commit e83c5163316f89bfbde7d9ab23ca2e25604af290', 'a git SHA (hex)'),
  negative('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'an image digest (hex)'),
  negative('request id 123e4567-e89b-12d3-a456-426614174000', 'a UUID'),
  negative('"integrity": "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="', 'a subresource-integrity hash'),
  negative('next_cursor: eyJpZCI6MTIzNDUsImNyZWF0ZWRfYXQiOiIyMDI0LTAxLTE1In0', 'base64 of JSON: a cursor, not a key'),
  negative('SGVsbG8gV29ybGQhIFRoaXMgaXMgYSB0ZXN0IG1lc3NhZ2U=', 'base64 of text'),
  negative('function getUserAccountSettingsByOrganizationId()', 'a long identifier'),
  negative('class AbstractSingletonProxyFactoryBean2 {}', 'a long identifier with a digit'),
  negative('OAuth2ClientCredentialsGrantHandler', 'camelCase words'),
  negative('/usr/local/lib/node_modules/typescript/lib/tsc.js', 'a file path'),
  negative('https://docs.google.com/document/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit', 'a document id in a URL path'),
  negative('pod nginx-deployment-7fb96c846b-22567 restarted', 'a Kubernetes pod name'),
  negative('version v2.3.1-beta.4+build.5678', 'a version string'),
  negative(`publishable ${join('pk', '_live_', '51H8xYzAbCdEfGhIjKlMnOpQrStUv0123')}`, 'a publishable key is public'),
  negative('pip install scikit-learn; sk-learn-tutorial-for-beginners', 'sk- followed by words'),
  negative('password: ********', 'a mask'),
  negative('api_key: ${API_KEY}', 'a template'),
  negative('token: <your-token>', 'a placeholder'),
  negative('password=your_password_here', 'a documentation placeholder'),
  negative('The bearer of this letter is trusted', 'prose'),
  negative('postgres://user:password@localhost:5432/db', 'a documented placeholder URL'),
  negative('passwords: 3 changed', 'not an assignment'),
  negative('token_count=4096', 'a different name'),
  negative('AKIA is the prefix of AWS key ids', 'a prefix alone'),
  negative('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----', 'a public key'),
  negative('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----', 'a certificate'),
  negative('eyJhbGciOiJIUzI1NiJ9 alone', 'a JWT header without payload and signature'),
  negative('The quick brown fox jumps over the lazy dog.', 'prose'),
];
