/** Sign-in: a Kubernetes bearer token, which the apiserver checks (TokenReview). */
import { Layout } from "./layout.tsx";

export function LoginPage(props: { csrf: string; error?: string | undefined }) {
  return (
    <Layout title="Sign in">
      {props.error !== undefined && (
        <p class="refusal" role="alert">
          {props.error}
        </p>
      )}
      <p>
        Paste a Kubernetes token. Everything you do here is done with it, so you can do exactly what kubectl
        lets you do. Get one with <code>kubectl create token NAME</code> or from your identity provider.
      </p>
      <form method="post" action="/login">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label for="token">
          Token
          <textarea id="token" name="token" rows={4} required autocomplete="off" spellcheck={false} />
        </label>
        <p>
          <button type="submit">Sign in</button>
        </p>
      </form>
    </Layout>
  );
}

/** A refusal: what the person may not do, and why; nothing was changed. */
export function RefusalPage(props: { user: string; csrf: string; message: string }) {
  return (
    <Layout title="Not allowed" user={props.user} csrf={props.csrf}>
      <p class="refusal" role="alert">
        {props.message}
      </p>
      <p>Nothing was changed.</p>
      <p>
        <a href="/">Back to the requests</a>
      </p>
    </Layout>
  );
}
