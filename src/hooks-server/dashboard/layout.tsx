/** The page frame every dashboard page shares: landmarks, skip link, the signed-in person. */
import type { Child } from "hono/jsx";
import { dashboardStyles } from "./dashboard-styles.ts";

export interface LayoutProps {
  readonly title: string;
  readonly user?: string | undefined;
  readonly csrf?: string | undefined;
  readonly children?: Child;
}

export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Headwind`}</title>
        <style>{dashboardStyles}</style>
        <script src="/static/htmx.min.js" defer />
        <script src="/static/sse.js" defer />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header>
          <strong>
            <a href="/">Headwind</a>
          </strong>
          {props.user !== undefined && (
            <form class="inline" method="post" action="/logout">
              <span>Signed in as {props.user}</span>
              <input type="hidden" name="_csrf" value={props.csrf ?? ""} />
              <button type="submit">Sign out</button>
            </form>
          )}
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
