/**
 * The approval API's OpenAPI 3.1 description, served at GET /api/v1/openapi.json. Written by hand
 * next to the routes; a test compares its paths and methods with the routes the app really
 * registers, and validates it against the OpenAPI schema.
 */

const json = (schema: unknown) => ({ "application/json": { schema } });
const error = (description: string) => ({
  description,
  content: json({ $ref: "#/components/schemas/Error" }),
});

/** The answers every authenticated route can give besides its own. */
const guarded = {
  "400": error("A namespace, name or body that is not valid"),
  "401": error("No bearer token, or one Kubernetes does not accept"),
  "403": error("The caller may not do this with kubectl either (SubjectAccessReview)"),
  "502": error("The Kubernetes API refused the call"),
  "503": error("The Kubernetes API did not answer or is overloaded; try again"),
};

const namespace = { name: "namespace", in: "path", required: true, schema: { type: "string" } };
const name = { name: "name", in: "path", required: true, schema: { type: "string" } };

const decision = (action: "approve" | "reject") => ({
  post: {
    operationId: `${action}UpdateRequest`,
    summary:
      action === "approve"
        ? "Approve a Pending UpdateRequest (a status write; the hook applies it)"
        : "Reject a Pending UpdateRequest; the same version is not proposed again",
    description:
      "Needs `patch` on `updaterequests/status` in the namespace. Recorded as the authenticated user " +
      "(an `approver` in the body is kept only alongside it).",
    parameters: [namespace, name],
    requestBody: {
      required: false,
      content: json({ $ref: `#/components/schemas/${action === "approve" ? "Approve" : "Reject"}Body` }),
    },
    responses: {
      "200": {
        description: "The UpdateRequest as stored",
        content: json({ $ref: "#/components/schemas/UpdateRequest" }),
      },
      "404": error("No such UpdateRequest"),
      "409": {
        description: "The UpdateRequest is no longer Pending",
        content: json({ $ref: "#/components/schemas/Conflict" }),
      },
      "413": error("The body is over 64 KiB"),
      "415": error("The body is not JSON"),
      ...guarded,
    },
  },
});

const kind = {
  name: "kind",
  in: "path",
  required: true,
  description:
    "kubectl's spellings: deployment(s), deploy, statefulset(s), sts, daemonset(s), ds, cronjob(s), cj, " +
    "helmrelease(s), hr (a Flux HelmRelease: its chart is the container, chart versions the images)",
  schema: { type: "string" },
};

/** A workload's history and a rollback of it; without `kind`, the original's Deployment routes. */
function rollbackPaths(withKind: boolean) {
  const parameters = withKind ? [namespace, kind, name] : [namespace, name];
  const what = withKind ? "A workload's" : "A Deployment's";
  return {
    get: {
      operationId: withKind ? "getWorkloadHistory" : "getUpdateHistory",
      summary: `${what} update history, newest first (needs \`get\` on it)`,
      parameters: [
        ...parameters,
        { name: "container", in: "query", required: false, schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "The history entries",
          content: json({
            type: "object",
            required: ["entries"],
            properties: {
              entries: { type: "array", items: { $ref: "#/components/schemas/HistoryEntry" } },
            },
          }),
        },
        "404": error("No such workload"),
        ...guarded,
      },
    },
    post: {
      operationId: withKind ? "rollbackWorkload" : "rollback",
      summary:
        "Ask for a rollback to an image from the workload's history (an UpdateRequest of type rollback)",
      description:
        "Needs `create` on `updaterequests` in the namespace; made with the caller's own token. Applied " +
        "at once when the caller may patch the workload, otherwise it waits for approval.",
      parameters,
      requestBody: { required: false, content: json({ $ref: "#/components/schemas/RollbackBody" }) },
      responses: {
        "201": {
          description: "The rollback UpdateRequest as created",
          content: json({ $ref: "#/components/schemas/UpdateRequest" }),
        },
        "404": error("No such workload"),
        "409": error("A rollback of the container is already under way"),
        "413": error("The body is over 64 KiB"),
        "415": error("The body is not JSON"),
        "422": error("Nothing in the history to go back to, or not the image asked for"),
        ...guarded,
      },
    },
  };
}

export const approvalOpenApi = {
  openapi: "3.1.0",
  info: {
    title: "Headwind approval API",
    version: "v1",
    description:
      "The original Headwind's approval routes, authenticated and authorized by Kubernetes: every " +
      "/api call carries `Authorization: Bearer <token>`, a TokenReview says whose it is, and a " +
      "SubjectAccessReview asks whether that person could make the same change with kubectl.",
  },
  security: [{ kubernetes: [] }],
  paths: {
    "/api/v1/openapi.json": {
      get: {
        operationId: "getOpenApi",
        summary: "This description",
        security: [],
        responses: { "200": { description: "OpenAPI 3.1", content: json({ type: "object" }) } },
      },
    },
    "/api/v1/updates": {
      get: {
        operationId: "listUpdateRequests",
        summary: "UpdateRequests in one namespace, or in all (needs `list updaterequests` there)",
        parameters: [{ name: "namespace", in: "query", required: false, schema: { type: "string" } }],
        responses: {
          "200": {
            description: "The UpdateRequests",
            content: json({ type: "array", items: { $ref: "#/components/schemas/UpdateRequest" } }),
          },
          ...guarded,
        },
      },
    },
    "/api/v1/updates/{namespace}/{name}": {
      get: {
        operationId: "getUpdateRequest",
        summary: "One UpdateRequest (needs `get updaterequests`)",
        parameters: [namespace, name],
        responses: {
          "200": {
            description: "The UpdateRequest",
            content: json({ $ref: "#/components/schemas/UpdateRequest" }),
          },
          "404": error("No such UpdateRequest"),
          ...guarded,
        },
      },
    },
    "/api/v1/updates/{namespace}/{name}/approve": decision("approve"),
    "/api/v1/updates/{namespace}/{name}/reject": decision("reject"),
    "/api/v1/rollback/{namespace}/{name}": rollbackPaths(false),
    "/api/v1/rollback/{namespace}/{kind}/{name}": rollbackPaths(true),
    "/health": {
      get: {
        operationId: "health",
        summary: "Liveness of the approval API",
        security: [],
        responses: {
          "200": { description: "OK", content: { "text/plain": { schema: { type: "string" } } } },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      kubernetes: {
        type: "http",
        scheme: "bearer",
        description: "A Kubernetes token (e.g. `kubectl create token`), checked with a TokenReview",
      },
    },
    schemas: {
      Error: { type: "object", required: ["error"], properties: { error: { type: "string" } } },
      Conflict: {
        type: "object",
        required: ["error", "current_phase"],
        properties: { error: { type: "string" }, current_phase: { type: "string" } },
      },
      ApproveBody: {
        type: "object",
        properties: { approver: { type: "string", maxLength: 128 } },
      },
      RejectBody: {
        type: "object",
        properties: {
          approver: { type: "string", maxLength: 128 },
          reason: { type: "string", maxLength: 1024 },
        },
      },
      RollbackBody: {
        type: "object",
        properties: {
          container: { type: "string", maxLength: 253 },
          to: {
            type: "string",
            maxLength: 4096,
            description: "An image from the container's history (for a HelmRelease, a chart version)",
          },
        },
      },
      UpdateRequest: {
        type: "object",
        description: "A headwind.sh/v1alpha1 UpdateRequest as the apiserver stores it (see the CRD)",
        required: ["apiVersion", "kind", "metadata", "spec"],
        properties: {
          apiVersion: { const: "headwind.sh/v1alpha1" },
          kind: { const: "UpdateRequest" },
          metadata: { type: "object" },
          spec: { type: "object" },
          status: { type: "object", properties: { phase: { type: "string" } } },
        },
      },
      HistoryEntry: {
        type: "object",
        required: ["container", "image", "timestamp"],
        properties: {
          container: { type: "string" },
          image: { type: "string" },
          previousImage: { type: "string" },
          timestamp: { type: "string", format: "date-time" },
          updateRequestName: { type: "string" },
          approvedBy: { type: "string" },
        },
      },
    },
  },
} as const;
