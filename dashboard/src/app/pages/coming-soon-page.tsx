import { useSession } from '../session/session-context.tsx';

/** A section whose screens ship in a later release. */
export function ComingSoonPage(props: { title: string; description: string }) {
  const { site } = useSession();
  return (
    <section className="page">
      <header className="page-header">
        <h1>{props.title}</h1>
        {site && <p className="muted">{site.name}</p>}
      </header>
      <div className="card empty-state">
        <h2>Coming in a later release</h2>
        <p>{props.description}</p>
      </div>
    </section>
  );
}
