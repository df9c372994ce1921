package org.murder.store;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/** Users' subscriptions (internal mailbox names). */
@Stateless
public class Subscriptions {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    public void subscribe(String user, String mailbox) {
        if (em.find(StoreSubscription.class, StoreSubscription.key(user, mailbox)) == null) {
            em.persist(new StoreSubscription(user, mailbox));
        }
    }

    public void unsubscribe(String user, String mailbox) {
        StoreSubscription s = em.find(StoreSubscription.class, StoreSubscription.key(user, mailbox));
        if (s != null) {
            em.remove(s);
        }
    }

    public List<String> of(String user) {
        return em.createNamedQuery("StoreSubscription.ofUser", StoreSubscription.class).setParameter("user", user)
                .getResultStream().map(StoreSubscription::mailbox).toList();
    }
}
