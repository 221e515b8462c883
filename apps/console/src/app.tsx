import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ClientContext, createConsoleClient } from './api';
import { Layout } from './components/layout';
import { ApplicationsPage } from './pages/applications';
import { DeadLettersPage } from './pages/dead-letters';
import { DeliveryPage } from './pages/delivery';
import { EndpointsPage } from './pages/endpoints';
import { EventPage } from './pages/event';
import { EventsPage } from './pages/events';
import { NotFoundPage } from './pages/not-found';
import { OverviewPage } from './pages/overview';
import { SignInPage } from './pages/sign-in';
import { useRoute, type Route } from './route';
import { clearApiKey, readApiKey, saveApiKey } from './session';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'applications':
      return <ApplicationsPage />;
    case 'endpoints':
      return <EndpointsPage appId={route.appId} />;
    case 'events':
      return <EventsPage appId={route.appId} params={route.params} />;
    case 'event':
      return <EventPage eventId={route.eventId} />;
    case 'delivery':
      return <DeliveryPage deliveryId={route.deliveryId} />;
    case 'dead-letters':
      return <DeadLettersPage params={route.params} />;
    case 'not-found':
      return <NotFoundPage path={route.path} />;
  }
}

export function App() {
  const queryClient = useQueryClient();
  const route = useRoute();
  const [apiKey, setApiKey] = useState(readApiKey);
  const client = useMemo(() => (apiKey ? createConsoleClient(apiKey) : null), [apiKey]);

  if (!client) {
    return (
      <SignInPage
        onSignIn={(key) => {
          saveApiKey(key);
          setApiKey(key);
        }}
      />
    );
  }
  const signOut = () => {
    clearApiKey();
    // Nothing one key saw may show under the next.
    queryClient.clear();
    setApiKey(null);
  };
  return (
    <ClientContext.Provider value={client}>
      <Layout route={route} onSignOut={signOut}>
        <Page route={route} />
      </Layout>
    </ClientContext.Provider>
  );
}
