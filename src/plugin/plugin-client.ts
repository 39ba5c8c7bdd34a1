/**
 * The plugin's way to the cluster: the user's own kubeconfig (KUBECONFIG, --kubeconfig, --context),
 * the one transport of src/kube, and who the apiserver says the user is (SelfSubjectReview), which
 * is the name recorded as approver or requester.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { createKubeTransport, type KubeTransport } from "../kube/create-kube-transport.ts";

export interface PluginClient {
  readonly transport: KubeTransport;
  /** The namespace of the kubeconfig's current context ("default" when it names none). */
  readonly contextNamespace: string;
  /** The user name the apiserver knows the caller by. */
  whoAmI(): Promise<string>;
}

export interface ClientOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

export function loadPluginClient(options: ClientOptions): PluginClient {
  const config = new KubeConfig();
  if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
  else config.loadFromDefault();
  if (options.context) config.setCurrentContext(options.context);
  const transport = createKubeTransport(config);
  let user: Promise<string> | undefined;
  return {
    transport,
    contextNamespace: config.getContextObject(config.getCurrentContext())?.namespace || "default",
    whoAmI() {
      user ??= transport({
        method: "POST",
        path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
      }).then((review) => {
        const name = (review as { status?: { userInfo?: { username?: string } } }).status?.userInfo?.username;
        if (!name) throw new Error("the apiserver did not say who you are (SelfSubjectReview)");
        return name;
      });
      return user;
    },
  };
}
