// What the corpus's text and senders are drawn from, and the seeded generator that draws.
export const words = [
  'order', 'refund', 'delivery', 'parcel', 'invoice', 'payment', 'account', 'password', 'shipping', 'address', 'tracking', 'number',
  'still', 'waiting', 'received', 'damaged', 'missing', 'wrong', 'item', 'size', 'colour', 'return', 'exchange', 'warranty', 'courier',
  'please', 'could', 'you', 'check', 'again', 'today', 'yesterday', 'week', 'thanks', 'help', 'the', 'my', 'a', 'is', 'it', 'and', 'was',
  'not', 'with', 'for', 'box', 'lamp', 'charger', 'screen', 'subscription', 'discount', 'coupon', 'receipt', 'customs', 'label', 'store',
];
export const firstNames = ['Maria', 'John', 'Anna', 'Luca', 'Sofia', 'David', 'Emma', 'Marco', 'Laura', 'James', 'Giulia', 'Paul', 'Sara', 'Peter', 'Elena', 'Tom', 'Jürgen', 'Chloé', 'Zoë', 'Omar', 'Yuki', 'Inès'];
export const lastNames = ['Rossi', 'Smith', 'Müller', 'Bianchi', 'García', 'Brown', 'Ferrari', 'Martin', 'Russo', 'Jones', 'Dubois', 'Novak', 'Weiß', 'Lefèvre'];
export const senderDomains = ['gmail.example', 'outlook.example', 'yahoo.example', 'icloud.example', 'gmx.example', 'company.example', 'web.example'];
export const latinSentences = [
  'Sehr geehrte Damen und Herren, meine Bestellung ist leider noch nicht angekommen.',
  'Könnten Sie bitte prüfen, wo das Paket gerade ist? Die Sendungsnummer funktioniert nicht.',
  'Die Größe passt nicht, ich möchte den Artikel gerne umtauschen. Grüße aus München.',
  'Bonjour, je n’ai toujours pas reçu ma commande passée la semaine dernière.',
  'Pourriez-vous me rembourser les frais de livraison ? Le colis était abîmé à l’arrivée.',
  'Merci beaucoup pour votre réponse rapide, très appréciée. À bientôt.',
  'Hola, el pedido llegó incompleto: falta el cargador. ¿Qué puedo hacer?',
].map((s) => s.replace(/[’]/g, "'"));

/** A small deterministic PRNG (mulberry32), so corpora are reproducible. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
