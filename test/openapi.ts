// Checks real answers against the OpenAPI document an app serves: each body must match the schema its
// route declares for that status.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  readonly components: { schemas: Record<string, object> };
}

export async function openApiChecker(app: { request(path: string): Response | Promise<Response> }) {
  const doc = (await (await app.request('/openapi.json')).json()) as OpenApiDocument;
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema({ $id: 'doc', components: doc.components });
  /** Validates the answer's JSON body against its route's declared schema, and returns the body. */
  const check = async (method: string, path: string, route: string, response: Response): Promise<unknown> => {
    const body: unknown = await response.json();
    const declared = doc.paths[route]?.[method]?.responses[String(response.status)]?.content?.['application/json']?.schema;
    expect(declared, `${method} ${route} declares ${response.status}`).toBeDefined();
    const schema = JSON.parse(JSON.stringify(declared).replaceAll('"#/components/', '"doc#/components/'));
    const valid = ajv.validate(schema, body);
    expect(valid, `${method} ${path} → ${response.status}: ${ajv.errorsText()}`).toBe(true);
    return body;
  };
  return { doc, check };
}
