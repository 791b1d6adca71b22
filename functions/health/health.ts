import { apiHandler } from '#commons/http/api-handler';
import { json } from '#commons/http/response';

/** GET /health → 200, no auth, no AWS call: it says the API and its Lambda runtime answer. */
export const handler = apiHandler(async () => json(200, { status: 'ok' }));
