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
        if (find(user, mailbox).isEmpty()) {
            em.persist(new StoreSubscription(user, mailbox));
        }
    }

    public void unsubscribe(String user, String mailbox) {
        find(user, mailbox).forEach(em::remove);
    }

    private List<StoreSubscription> find(String user, String mailbox) {
        return em.createNamedQuery("StoreSubscription.find", StoreSubscription.class).setParameter("user", user)
                .setParameter("mailbox", mailbox).getResultList();
    }

    public List<String> of(String user) {
        return em.createNamedQuery("StoreSubscription.ofUser", StoreSubscription.class).setParameter("user", user)
                .getResultStream().map(StoreSubscription::mailbox).toList();
    }
}
