"""Words the demo plant is made of: product families, parts, materials, machines and names.

Kept apart from the generator so that the logic stays short and the plant can be re-themed by
editing tables only. Everything here is fictitious.
"""

from dataclasses import dataclass

COMPANY = "Kestrel Pumps & Valves"

# The tables below are kept dense, one record per line or two, so they read as tables.
# fmt: off


@dataclass(frozen=True)
class Family:
    """A product family: its finished goods, the assemblies and parts they are built from."""

    code: str
    name: str
    sizes: tuple[str, ...]
    assemblies: tuple[str, ...]
    parts: tuple[str, ...]
    final_ops: tuple[str, ...]  # work-center kinds after assembly, in order


FAMILIES: tuple[Family, ...] = (
    Family(
        "CP", "Centrifugal pump", ("32-160", "40-200", "50-160", "65-200", "80-250", "100-315"),
        ("Motor assembly", "Pump housing assembly", "Rotor assembly", "Bearing bracket assembly",
         "Seal cartridge"),
        ("Impeller", "Shaft", "Volute casing", "Casing cover", "Bearing cover", "Shaft sleeve",
         "Wear ring", "Motor lantern"),
        ("test", "paint", "pack"),
    ),
    Family(
        "GV", "Gate valve", ("DN50", "DN80", "DN100", "DN150", "DN200", "DN250"),
        ("Valve body assembly", "Bonnet assembly", "Stem assembly", "Handwheel assembly"),
        ("Valve body", "Wedge", "Stem", "Bonnet", "Gland flange", "Yoke", "Stem nut"),
        ("test", "paint", "pack"),
    ),
    Family(
        "BV", "Ball valve", ("DN15", "DN25", "DN40", "DN50", "DN80", "DN100"),
        ("Body assembly", "Ball and seat assembly", "Lever assembly", "Actuator mounting kit"),
        ("Ball", "Seat ring", "Body half", "Stem", "Lever", "End connector"),
        ("test", "pack"),
    ),
    Family(
        "CV", "Swing check valve", ("DN50", "DN80", "DN100", "DN150", "DN200"),
        ("Body assembly", "Disc assembly", "Cover assembly"),
        ("Valve body", "Disc", "Hinge arm", "Hinge pin", "Cover"),
        ("test", "paint", "pack"),
    ),
    Family(
        "PS", "Booster pump skid", ("2x2.2 kW", "2x4 kW", "3x5.5 kW", "3x7.5 kW"),
        ("Base frame weldment", "Suction manifold", "Discharge manifold", "Control panel",
         "Pipework assembly"),
        ("Frame rail", "Cross member", "Header pipe", "Mounting plate", "Panel enclosure",
         "Flange adaptor"),
        ("test", "paint", "pack"),
    ),
    Family(
        "SP", "Submersible pump", ("50-2", "65-4", "80-7", "100-11"),
        ("Motor stator assembly", "Hydraulic assembly", "Cable entry assembly"),
        ("Impeller", "Pump shaft", "Diffuser", "Motor housing", "Oil chamber cover"),
        ("test", "pack"),
    ),
)

# Deeper assembly levels of very large plants get these words before the family's assembly name.
STAGES = ("Module", "Sub-assembly", "Kit", "Group", "Unit", "Block", "Set")

@dataclass(frozen=True)
class BuyTemplate:
    """A kind of bought item; `pattern` takes one value from each parameter list."""

    kind: str  # raw (machined parts are cut from it), component, or consumable
    group: str  # what BOMs ask for ("Casting", "Paint", ...)
    category: str
    uom: str
    pattern: str
    params: tuple[tuple[str, ...], ...]
    price: tuple[float, float]
    lot_tracked: bool = False
    shelf_life_days: int | None = None
    weight: int = 1  # items taken per round: castings come in many shapes, grease in few


def _numbers(start: int, stop: int, step: int = 1) -> tuple[str, ...]:
    return tuple(str(n) for n in range(start, stop, step))


M_SIZES = ("6", "8", "10", "12", "16", "20", "24")
BUY_TEMPLATES: tuple[BuyTemplate, ...] = (
    BuyTemplate("raw", "Steel bar", "Raw materials", "kg", "Steel bar Ø{0} {1}",
                (_numbers(20, 125, 5), ("C45", "42CrMo4", "1.4021", "1.4404")), (2, 9)),
    BuyTemplate("raw", "Casting", "Castings", "pcs", "Casting {0} {1}",
                (("volute", "valve body", "bonnet", "impeller", "cover", "bracket", "disc",
                  "diffuser"), ("EN-GJL-250", "EN-GJS-400", "CC491K bronze", "1.4408")),
                (35, 420), lot_tracked=True, weight=3),
    BuyTemplate("raw", "Steel sheet", "Raw materials", "kg", "Steel sheet {0} mm {1}",
                (("2", "3", "4", "5", "6", "8", "10", "12"), ("S235", "S355", "1.4301")), (1, 6)),
    BuyTemplate("raw", "Steel pipe", "Raw materials", "m", "Steel pipe DN{0} {1}",
                (("25", "40", "50", "65", "80", "100", "150"), ("P235GH", "1.4571")), (12, 95)),
    BuyTemplate("component", "Bearing", "Bearings", "pcs", "Deep groove ball bearing 6{0}{1}",
                (("2", "3"), tuple(f"{n:02d}" for n in range(4, 14))), (6, 60)),
    BuyTemplate("component", "Mechanical seal", "Seals", "pcs", "Mechanical seal {0} mm {1}",
                (("18", "22", "28", "35", "45", "55"), ("carbon/SiC", "SiC/SiC")), (45, 260),
                lot_tracked=True),
    BuyTemplate("component", "O-ring", "Seals", "pcs", "O-ring {0}x{1} NBR",
                (_numbers(20, 260, 20), ("3", "5")), (0.3, 4)),
    BuyTemplate("component", "Bolt", "Fasteners", "pcs", "Hex bolt M{0}x{1} 8.8",
                (M_SIZES, ("20", "30", "40", "60", "80", "120")), (0.1, 3)),
    BuyTemplate("component", "Nut", "Fasteners", "pcs", "Hex nut M{0} {1}", (M_SIZES, ("8", "A2")),
                (0.05, 2)),
    BuyTemplate("component", "Motor", "Motors", "pcs", "Electric motor {0} kW {1}",
                (("0.75", "1.5", "2.2", "4", "5.5", "7.5", "11", "15", "22", "30"),
                 ("IE3", "IE4")), (180, 2400), lot_tracked=True),
    BuyTemplate("component", "Gasket", "Seals", "pcs", "Gasket DN{0} {1}",
                (("15", "25", "40", "50", "80", "100", "150", "200", "250"),
                 ("PTFE", "graphite")), (2, 18)),
    BuyTemplate("component", "Cable", "Electrical", "m", "Cable {0} {1}",
                (("3G1.5", "4G2.5", "4G4", "7G1.5"), ("H07RN-F", "NSSHÖU")), (2, 12)),
    BuyTemplate("component", "Gauge", "Instruments", "pcs", "Pressure gauge {0} bar {1}",
                (("0-10", "0-16", "0-25"), ("Ø63", "Ø100")), (18, 75)),
    BuyTemplate("consumable", "Paint", "Coatings", "l", "Paint RAL {0} {1}",
                (("5015", "5002", "3000", "7035", "9005"), ("top coat", "primer")), (9, 28),
                lot_tracked=True, shelf_life_days=365),
    BuyTemplate("consumable", "Welding wire", "Consumables", "kg", "Welding wire {0} {1} mm",
                (("G3Si1", "316LSi"), ("0.8", "1.0", "1.2")), (4, 15)),
    BuyTemplate("consumable", "Grease", "Consumables", "g", "Grease {0} {1}",
                (("lithium EP2", "PTFE food grade"), ("cartridge",)), (0.01, 0.05)),
    BuyTemplate("consumable", "Crate", "Packaging", "pcs", "Packaging crate {0} {1}",
                (("S", "M", "L", "XL"), ("export", "domestic")), (12, 60)),
    BuyTemplate("consumable", "Nameplate", "Labels", "pcs", "Nameplate {0} {1}",
                (("stainless", "aluminium"), ("CE", "ATEX")), (1, 4)),
)

# How much of a bought group one parent needs, in the item's unit: (low, high, decimals); pieces
# are whole numbers, materials come in fractions (kg of bar or sheet, m of pipe or cable).
BOM_QUANTITY: dict[str, tuple[float, float, int]] = {
    "Steel bar": (0.3, 8, 2), "Casting": (1, 1, 0), "Steel sheet": (1.5, 24, 1),
    "Steel pipe": (0.25, 2.5, 2), "Bearing": (1, 2, 0), "Mechanical seal": (1, 1, 0),
    "O-ring": (1, 4, 0), "Bolt": (4, 12, 0), "Nut": (4, 12, 0), "Motor": (1, 1, 0),
    "Gasket": (1, 2, 0), "Cable": (1.5, 8, 1), "Gauge": (1, 1, 0), "Paint": (0.2, 2.5, 2),
    "Welding wire": (0.05, 0.6, 2), "Grease": (5, 60, 0), "Crate": (1, 1, 0),
    "Nameplate": (1, 1, 0),
}


# Which raw material a machined or fabricated part is made from, by a word in its name.
RAW_FOR_PART = (
    (("pipe", "header", "adaptor"), "Steel pipe"),
    (("rail", "member", "plate", "enclosure"), "Steel sheet"),
    (("impeller", "casing", "body", "bonnet", "disc", "diffuser", "housing", "cover", "yoke",
      "lantern", "half"), "Casting"),
)


@dataclass(frozen=True)
class WorkCenterKind:
    """A kind of machine or station: the operations it runs and the skill they need."""

    key: str
    name: str
    line: str
    operation: str
    skill: str
    certification: str | None
    setup: tuple[int, int]  # minutes
    run: tuple[float, float]  # minutes per unit
    alternative: str | None = None  # another kind that can run the same operation, slower


WORK_CENTER_KINDS: tuple[WorkCenterKind, ...] = (
    WorkCenterKind("saw", "Band saw", "Cutting", "Cut to length", "CUT", None, (5, 20), (1, 4)),
    WorkCenterKind("laser", "Laser cutter", "Cutting", "Laser cut", "CUT", None, (10, 30),
                   (0.5, 3)),
    WorkCenterKind("lathe", "CNC lathe", "Machining", "Turn", "TURN", None, (30, 90), (3, 18),
                   "mc"),
    WorkCenterKind("mill", "CNC mill", "Machining", "Mill", "MILL", None, (30, 75), (4, 20), "mc"),
    WorkCenterKind("mc", "Machining center", "Machining", "Machine complete", "MILL", None,
                   (45, 120), (5, 25), "mill"),
    WorkCenterKind("drill", "Radial drill", "Machining", "Drill and tap", "MILL", None, (10, 30),
                   (1, 6)),
    WorkCenterKind("weld", "Welding cell", "Fabrication", "Weld", "WELD", "WELD-ISO9606", (15, 45),
                   (8, 40)),
    WorkCenterKind("paint", "Paint booth", "Finishing", "Paint", "PAINT", None, (20, 60), (2, 10)),
    WorkCenterKind("assy", "Assembly station", "Assembly", "Assemble", "ASSY", None, (5, 25),
                   (6, 45), "assy"),
    WorkCenterKind("test", "Test bench", "Test & pack", "Pressure and performance test", "TEST",
                   "PRESSURE-TEST", (10, 30), (5, 25)),
    WorkCenterKind("pack", "Packing station", "Test & pack", "Pack", "PACK", "FORKLIFT", (0, 10),
                   (3, 12)),
    WorkCenterKind("balance", "Balancing machine", "Machining", "Balance", "TURN", None, (10, 20),
                   (2, 6)),
)

SKILLS: tuple[tuple[str, str], ...] = (
    ("CUT", "Sawing and cutting"),
    ("TURN", "CNC turning"),
    ("MILL", "CNC milling and drilling"),
    ("WELD", "Welding"),
    ("PAINT", "Painting and coating"),
    ("ASSY", "Mechanical assembly"),
    ("TEST", "Hydraulic testing"),
    ("PACK", "Packing and shipping"),
    ("QC", "Measuring and inspection"),
)

CERTIFICATIONS: tuple[tuple[str, str, int | None], ...] = (
    ("WELD-ISO9606", "Welder qualification ISO 9606-1", 24),
    ("FORKLIFT", "Forklift licence", 36),
    ("PRESSURE-TEST", "Pressure test authorisation", 24),
    ("CRANE", "Overhead crane operation", 60),
    ("FIRST-AID", "First aid at work", 24),
)

FIRST_NAMES = (
    "Anna", "Ben", "Carla", "Dario", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira",
    "Lars", "Maja", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
    "Wim", "Xenia", "Yusuf", "Zoe", "Aiden", "Bea", "Chen", "Dana", "Emil", "Fatima", "Goran",
    "Hana", "Ivo", "Julia", "Kofi", "Lena", "Marek", "Nora",
)
LAST_NAMES = (
    "Albers", "Brandt", "Costa", "Dvořák", "Eriksen", "Fischer", "García", "Horvat", "Ivanova",
    "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petersen", "Quist", "Rossi",
    "Schmidt", "Tanaka", "Urban", "Varga", "Weber", "Yilmaz", "Zielinski", "Baker", "Nguyen",
    "O'Neill", "Santos", "Kaya",
)

CUSTOMER_WORDS = (
    ("Aquaterra", "Northbrook", "Riverside", "Bluewater", "Highland", "Eastgate", "Clearspring",
     "Meridian", "Stonebridge", "Westfield", "Silverlake", "Harbour", "Pinecrest", "Oakridge",
     "Sunvale", "Greymoor"),
    ("Utilities", "Water Authority", "Process Systems", "Irrigation", "Building Services",
     "Chemicals", "Fire Protection", "Engineering", "Desalination", "HVAC Contractors"),
)
SUPPLIER_WORDS = (
    ("Nordstahl", "Ferro", "Bearing Point", "Fastline", "Voltmotion", "Colorcoat", "Sealtec",
     "Castwell", "Pipeworks", "Gaugeline", "Packright", "Weldmart"),
    ("Metals", "Foundry", "Supply", "Industrial", "Drives", "Coatings", "Components", "Trading"),
)
# Which supplier name (by first word) sells which category first; others are second sources.
CATEGORY_SUPPLIERS = {
    "Raw materials": ("Nordstahl", "Pipeworks"),
    "Castings": ("Castwell", "Ferro"),
    "Bearings": ("Bearing Point",),
    "Seals": ("Sealtec", "Bearing Point"),
    "Fasteners": ("Fastline",),
    "Motors": ("Voltmotion",),
    "Electrical": ("Voltmotion",),
    "Instruments": ("Gaugeline",),
    "Coatings": ("Colorcoat",),
    "Consumables": ("Weldmart", "Fastline"),
    "Packaging": ("Packright",),
    "Labels": ("Packright", "Gaugeline"),
}
COUNTRIES = ("DE", "NL", "FR", "IT", "PL", "SE", "GB", "ES", "AT", "CZ")
STREETS = ("Industriestraße", "Harbour Road", "Rue de l'Usine", "Via Roma", "Mill Lane",
           "Kanaalweg", "Fabriksgatan", "Station Road")
# fmt: on
