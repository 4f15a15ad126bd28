// The media types a GraphQL answer is sent as (GraphQL over HTTP).
const ANSWER_TYPES = ['application/json', 'application/graphql-response+json'];

/**
 * Whether the Accept header admits a JSON answer. Apollo checks this only after executing the
 * operation, so a mutation sent with `Accept: text/html` would commit and then be answered as
 * refused; the gateway asks first. No header, or an unparsable one, accepts anything.
 */
export function acceptsJsonAnswer(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) return false;
    if (type === '*/*' || type === 'application/*') return true;
    return ANSWER_TYPES.includes(type);
  });
}
