"""The demo's literal data: its stores and agents, reasons, seasons, customers' names, and
the texts its incidents are written from. `demo` tells the story with them."""

from __future__ import annotations

# Store, share of incidents at the start and at the end of the data (Harbour Mall grows,
# Station Road shrinks), and the agents working there with their share of its incidents.
STORES: tuple[tuple[str, float, float, tuple[tuple[str, float], ...]], ...] = (
    ("North Street", 0.33, 0.31, (("Jane", 0.40), ("Bob", 0.35), ("Priya", 0.25))),
    ("Harbour Mall", 0.22, 0.33, (("Tom", 0.40), ("Lucía", 0.35), ("Ahmed", 0.25))),
    ("Station Road", 0.28, 0.18, (("Sofia", 0.55), ("Chen", 0.30), ("Bob", 0.15))),
    ("Online Desk", 0.17, 0.18, (("Marek", 0.55), ("Grace", 0.45))),
)
# Each agent's usual on-the-spot rate. The four March trainees start lower.
BASE_RATE = {
    "Jane": 0.50,
    "Tom": 0.49,
    "Sofia": 0.51,
    "Marek": 0.50,
    "Bob": 0.62,
    "Priya": 0.58,
    "Lucía": 0.64,
    "Ahmed": 0.57,
    "Chen": 0.60,
    "Grace": 0.61,
}

# Reason, share of incidents, and how much easier (+) or harder (−) it is to settle at once.
REASONS: tuple[tuple[str, float, float], ...] = (
    ("late delivery", 0.24, -0.08),
    ("billing error", 0.17, 0.05),
    ("damaged item", 0.13, 0.02),
    ("out of stock", 0.10, -0.05),
    ("wrong item", 0.09, 0.06),
    ("refund delay", 0.08, -0.10),
    ("rude staff", 0.06, 0.08),
    ("long queue", 0.05, 0.10),
    ("warranty claim", 0.04, -0.12),
    ("website error", 0.04, -0.04),
)
# Busy Christmas trade and January returns; a quieter late winter.
MONTH_VOLUME = (1.20, 0.85, 0.90, 0.95, 1.00, 1.05, 1.10, 1.05, 0.95, 1.00, 1.20, 1.45)
WEEKDAY_VOLUME = (1.0, 0.95, 0.95, 1.0, 1.1, 1.35, 0.6)
SEASONAL_REASONS = {
    12: {"late delivery": 1.8, "long queue": 1.6, "out of stock": 1.3},
    1: {"damaged item": 1.5, "refund delay": 1.5, "wrong item": 1.3},
    11: {"late delivery": 1.3, "out of stock": 1.2},
}

FIRST_NAMES = (
    "Ann Olivia Liam Noah Emma Ava Mia Lucas Ethan Chloe Ella Leo Oscar Isla Amelia Jack Harry "
    "George Freya Ivy Ruby Alfie Archie Evie Poppy Maya Zoe Nina Omar Yusuf Aisha Fatima Hana "
    "Kenji Mei Wei Raj Anil Sunita Deepa Kofi Ama Chidi Ngozi Pedro Inés José María Carmen Luis "
    "Sven Ingrid Lars Astrid Pierre Amélie Élodie François Matteo Giulia Sofía Mateo Tomasz Zofia "
    "Katarzyna Dmitri Olga Ayşe Emre Seán Niamh Siobhán Rhys Cerys Dylan Hamish Morag Björn"
).split()
LAST_NAMES = (
    "Lee Smith Jones Brown Taylor Wilson Davies Evans Thomas Johnson Roberts Walker Wright "
    "Robinson Thompson White Hughes Edwards Green Hall Wood Harris Martin Jackson Clarke Clark "
    "Turner Hill Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Patel Young "
    "Allen Mitchell James Anderson Phillips Lewis Bell Nguyen Kowalski Novak García Fernández "
    "López Müller Schmidt Rossi Russo Dubois Lefèvre Andersson Johansson Nielsen O'Brien Murphy "
    "Kelly Byrne Okafor Mensah Haddad Yılmaz Kaur Singh Khan Ahmed Chen Wang Tanaka Sato Kim"
).split()
# The problem customers: (name, contact, incidents); they try every store and agent.
PROBLEM_CUSTOMERS = (
    ("Gordon Pike", "gordon.pike@example.net", 8),
    ("Marlene Oduya", "+44 7700 900141", 7),
    ("Victor Hale", "", 6),
    ("Brigitte Laurent", "b.laurent@example.org", 6),
    ("Dev Anand Rao", "+44 7700 900872", 5),
    ("Petra Szabó", "", 4),
)

DESCRIPTIONS = {
    "late delivery": (
        "Order {order} promised for {day} has not arrived; customer took a day off to wait in.",
        "Parcel {order} stuck at the courier depot for {n} days, tracking not updated.",
        "Second missed delivery slot for order {order}; customer angry about wasted time.",
    ),
    "billing error": (
        "Charged twice for order {order} ({amount}).",
        "Loyalty discount not applied at the till; overcharged {amount}.",
        "Invoice shows items that were never delivered (order {order}).",
    ),
    "damaged item": (
        "The {item} arrived with a cracked casing; box was crushed.",
        "Customer says the {item} stopped working after {n} days.",
        "Scratches on the {item} found at unpacking in the store.",
    ),
    "out of stock": (
        "Advertised {item} out of stock again; third visit this month.",
        "Website said the {item} was in stock at this store, shelf empty.",
    ),
    "wrong item": (
        "Received a {item} instead of the one ordered (order {order}).",
        "Wrong size {item} packed; customer needs it for the weekend.",
    ),
    "refund delay": (
        "Refund of {amount} for order {order} promised {n} days ago still not received.",
        "Returned the {item} a fortnight ago, no refund yet; customer threatens a chargeback.",
    ),
    "rude staff": (
        "Customer felt dismissed by a colleague at the counter and asked for the manager.",
        "Complaint about a curt phone call the day before.",
    ),
    "long queue": (
        "Waited {n} minutes at the till with only one checkout open.",
        "Queue for collections out of the door; customer left and came back angry.",
    ),
    "warranty claim": (
        "Warranty repair of the {item} refused because the receipt was lost.",
        "The {item} is back from repair with the same fault.",
    ),
    "website error": (
        "Checkout failed {n} times; card was charged once but no order confirmation.",
        "Discount code rejected online although valid until the end of the month.",
    ),
}
ON_THE_SPOT = {
    "late delivery": (
        "Apologised, re-booked delivery for the next morning and refunded the delivery fee.",
        "Arranged collection from the depot today and gave a voucher of {amount}.",
    ),
    "billing error": (
        "Refunded the duplicate charge of {amount} on the spot.",
        "Applied the discount and refunded the difference ({amount}) at the till.",
    ),
    "damaged item": (
        "Swapped the {item} for a new one from stock.",
        "Replacement {item} handed over and the damaged one taken back.",
    ),
    "out of stock": (
        "Reserved the {item} from another store and offered free delivery.",
        "Offered a comparable {item} at the same price; customer accepted.",
    ),
    "wrong item": (
        "Exchanged for the right {item} immediately and apologised.",
        "Courier booked to swap the {item} tomorrow; customer happy with a voucher of {amount}.",
    ),
    "refund delay": ("Pushed the refund through manually ({amount}) and showed the confirmation.",),
    "rude staff": (
        "Listened, apologised on behalf of the team and offered a voucher of {amount}.",
        "Manager apologised in person; customer accepted the apology.",
    ),
    "long queue": (
        "Apologised, opened a second till and gave a coffee voucher.",
        "Served the customer at the service desk right away.",
    ),
    "warranty claim": ("Found the purchase in the loyalty history and booked the repair.",),
    "website error": (
        "Placed the order by phone with the discount and cancelled the failed payment.",
        "Confirmed the order manually and sent the confirmation again.",
    ),
}
NEXT_STEP = (
    "Escalated to head office; will call the customer back.",
    "Asked the courier for proof of delivery; follow up when it arrives.",
    "Raised a ticket with finance for the refund of {amount}.",
    "Sent the {item} to the supplier for assessment; customer to be called.",
    "Waiting for the manager's decision on a goodwill gesture.",
)
LATER = (
    "Called back: refund of {amount} sent and confirmed by e-mail.",
    "Replacement {item} delivered; customer satisfied.",
    "Head office agreed a goodwill voucher of {amount}; customer accepted.",
    "Supplier confirmed the fault; repair done free of charge.",
    "Courier found the parcel; delivered with an apology letter.",
)
ITEMS = (
    "kettle",
    "vacuum cleaner",
    "phone case",
    "coffee machine",
    "headphones",
    "desk lamp",
    "toaster",
    "blender",
    "router",
    "winter jacket",
    "running shoes",
    "tablet",
)
TRAINERS = ("Maria Keller", "Head office")
NEW_MATERIAL_TOPICS = (
    "New product range",
    "Returns policy update",
    "Loyalty programme changes",
    "Payment terminal update",
    "New delivery partner",
)
# What the customer said when someone called back, by outcome.
CHECK_NOTES = {
    "satisfied": (
        "Customer happy with how it was settled.",
        "Thanked us for calling back.",
        "All sorted; says they will shop with us again.",
        "",
    ),
    "not-satisfied": (
        "Still unhappy about how long it took.",
        "Says the voucher does not make up for the trouble.",
        "Wants to speak to head office.",
        "The fault came back.",
    ),
    "no-answer": ("No answer; left a voicemail.", "Phone off; sent an e-mail instead.", ""),
}
