/**
 * The console stand-in: a GraphiQL page (loaded from the unpkg CDN) pointed at
 * /v1/graphql. The page holds no secret; admins type x-hasura-admin-secret
 * into GraphiQL's header editor, which keeps it in the browser only.
 */
export const GRAPHIQL_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>engine — GraphiQL</title>
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css" />
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script crossorigin src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: new URL("/v1/graphql", window.location.href).toString() });
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultHeaders: JSON.stringify({ "x-hasura-admin-secret": "" }, null, 2),
        shouldPersistHeaders: false,
      }),
    );
  </script>
</body>
</html>
`;
