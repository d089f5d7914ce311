import { ApiError } from '../api/api-client.ts';

/** The message of a failed save, with the server's field issues listed. */
export function FormError(props: { error: unknown }) {
  if (!props.error) return null;
  const error = props.error;
  const message = error instanceof Error ? error.message : String(error);
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div className="alert alert-error" role="alert">
      <p>{message}</p>
      {issues.length > 0 && (
        <ul>
          {issues.map((issue) => (
            <li key={`${issue.path.join('.')}:${issue.message}`}>
              {issue.path.length > 0 && <strong>{issue.path.join('.')}: </strong>}
              {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
