"""Write data/danger_classifier/generated.yml: training messages for the danger classifier.

Templates of what parents write, filled with children, adults, platforms,
places and times, then some of them typed the way worried parents type
(lower case, no apostrophes, text-speak, typos, capitals, American words),
all with a fixed seed: the same script always writes the same file. The
hand-written messages are in data/danger_classifier/handwritten.yml.

Danger messages carry the kind of danger of content/danger.yml. Harmless
messages use the same words without a child in danger: idioms, games, sport,
news, school work, lost things, questions about signs and reporting,
hypotheticals, negations, events that are over, and warning signs (which get
guidance, not 999).

The output is committed, so that a change to the templates shows as a change
to the data in review, and training needs no generation step;
tests/test_danger_training_data.py checks that it is what this script writes.
Messages that occur in the test sets are left out.

    python scripts/make_danger_training.py          # rewrite the file
    python scripts/make_danger_training.py --check  # fail if the file is out of date
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Set, Tuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sets import NearDuplicates  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "danger_classifier" / "generated.yml"
TEST_SETS = "tests/sets"
SEED = 20261129
PER_TEMPLATE = {"danger": 8, "harmless": 10}

# --- slot fillers -------------------------------------------------------------
# A child: (words, "f" or "m"). The pronouns follow the gender.
GIRLS = [
    "my daughter",
    "my 13 year old daughter",
    "my little girl",
    "my stepdaughter",
    "my eldest",
    "my 14yo",
    "my girl",
    "my 12 year old",
    "my niece",
    "my granddaughter",
    "my friend's daughter",
    "my neighbour's girl",
    "one of my pupils",
    "a girl in my class",
    "my sister's daughter",
    "my foster daughter",
    "Chloe",
    "Amelia",
    "Ruby",
    "Leah",
    "Priya",
    "Aisha",
    "Mia",
    "Jess",
    "my 15 year old",
    "our youngest",
    "my teenage daughter",
    "my 11 year old girl",
]
BOYS = [
    "my son",
    "my 14 year old son",
    "my boy",
    "my lad",
    "my stepson",
    "my youngest",
    "my 15yo",
    "my 13 year old",
    "my nephew",
    "my grandson",
    "my friend's son",
    "my mate's lad",
    "a boy I teach",
    "one of the boys in my youth group",
    "my sister's boy",
    "my foster son",
    "Jayden",
    "Tyler",
    "Kai",
    "Mohammed",
    "Connor",
    "Josh",
    "Reece",
    "Callum",
    "our eldest",
    "my 16 year old",
    "my teenage son",
    "my 12 year old boy",
]
PRONOUNS = {"f": ("she", "her", "her", "she's"), "m": ("he", "him", "his", "he's")}
# An adult who may harm a child: (words, "m" or "f").
ADULTS = [
    ("a man", "m"),
    ("a grown man", "m"),
    ("an older man", "m"),
    ("some guy", "m"),
    ("a 30 year old man", "m"),
    ("an adult", "m"),
    ("a stranger", "m"),
    ("a man in his forties", "m"),
    ("a lad in his twenties", "m"),
    ("an older woman", "f"),
    ("this bloke", "m"),
    ("a much older guy", "m"),
    ("a man {s} met online", "m"),
    ("someone {s} met on a game", "m"),
    ("a guy off the internet", "m"),
    ("an older boy", "m"),
    ("a 25 year old", "m"),
    ("a man old enough to be {p} dad", "m"),
]
KNOWN_ADULTS = [
    ("{p} coach", "m"),
    ("{p} football coach", "m"),
    ("{p} tutor", "m"),
    ("{p} teacher", "m"),
    ("{p} uncle", "m"),
    ("{p} stepdad", "m"),
    ("my partner", "m"),
    ("my husband", "m"),
    ("my ex", "m"),
    ("{p} grandad", "m"),
    ("my brother in law", "m"),
    ("the neighbour", "m"),
    ("a family friend", "m"),
    ("{p} mum's boyfriend", "m"),
    ("the youth leader", "m"),
    ("{p} older cousin", "m"),
    ("a dinner lady", "f"),
    ("{p} stepmum", "f"),
    ("the babysitter", "m"),
    ("a priest", "m"),
    ("{p} swimming instructor", "m"),
    ("my boyfriend", "m"),
    ("{p} dad's friend", "m"),
]
ADULT_PRONOUNS = {"m": ("he", "him", "his"), "f": ("she", "her", "her")}
PLATFORMS = [
    "snapchat",
    "instagram",
    "tiktok",
    "discord",
    "roblox",
    "fortnite",
    "whatsapp",
    "xbox live",
    "minecraft",
    "telegram",
    "kik",
    "facebook",
    "a gaming site",
    "an app",
    "twitch",
    "youtube",
    "a chat site",
    "omegle",
    "wink",
    "yubo",
    "the playstation",
]
PLACES = [
    "the park",
    "the train station",
    "a hotel",
    "his flat",
    "the shopping centre",
    "mcdonalds",
    "the bus station",
    "a house in another town",
    "the woods",
    "the canal",
    "a car park",
    "the mall",
    "an address in Birmingham",
    "the retail park",
    "his car",
]
TIMES = ["tonight", "tomorrow", "after school", "this weekend", "in an hour", "right now", "at 8", "later"]
HOURS = ["two hours", "since last night", "since yesterday", "all night", "for 3 days", "since friday"]
DRUGS = ["drugs", "weed", "coke", "packages", "parcels", "crack", "gear", "pills"]
WEAPONS = ["a knife", "a machete", "a gun", "a zombie knife", "a blade", "a knuckle duster", "a hammer"]
TOWNS = ["Norwich", "Bournemouth", "Cornwall", "Swansea", "Margate", "Hull", "Ipswich", "the coast"]
MONEY = ["£500", "500 quid", "£200 in gift cards", "£1000", "money", "bitcoin", "£300"]
# The template fields filled with one draw from a list, in the order they are drawn.
_FILLERS = (
    ("pl", PLATFORMS),
    ("pc", PLACES),
    ("t", TIMES),
    ("hr", HOURS),
    ("d", DRUGS),
    ("w", WEAPONS),
    ("town", TOWNS),
    ("money", MONEY),
)
# Openers and closers: mostly shared, so that "please help" alone does not mean danger.
SHARED_OPENERS = [
    "",
    "",
    "",
    "",
    "",
    "hi ",
    "sorry, ",
    "please help ",
    "i dont know what to do ",
    "im worried ",
]
SHARED_CLOSERS = ["", "", "", "", "", " please help", " what do i do", " what should i do", "...", "?", "!!"]
OPENERS = SHARED_OPENERS + ["urgent ", "help "]
CLOSERS = SHARED_CLOSERS + [" im scared", " im so scared"]
NEUTRAL_OPENERS = SHARED_OPENERS + ["hello, ", "quick question ", "hiya "]
NEUTRAL_CLOSERS = SHARED_CLOSERS + [" lol", " thanks", " haha", " is that normal"]

# --- danger templates by kind -------------------------------------------------
# {c} child, {s}/{o}/{p}/{sis} child pronouns (she, her, her, she's), {a} adult,
# {ah}/{am}/{ap} adult pronouns, {k} an adult the child knows, {kh}/{km}/{kp} its
# pronouns, {pl} platform, {pc} place, {t} time, {hr} hours, {d} drug, {w} weapon,
# {town}, {money}.
DANGER: Dict[str, List[str]] = {
    "sexual_abuse": [
        "{a} is sending {c} pictures of {ap} private parts",
        "{a} on {pl} keeps sending {c} photos of his genitals",
        "{a} keeps asking {c} what {s} is wearing",
        "{a} asks {c} what colour underwear {s} has on",
        "{a} on {pl} has been asking {c} for nudes",
        "{a} keeps begging {c} to send naked pictures",
        "someone on {pl} is pressuring {c} to send photos in {p} underwear",
        "{a} told {c} to take {p} top off on video call",
        "{a} got {c} to undress on camera",
        "{k} has been touching {c}",
        "{k} touches {c} when im at work",
        "{c} told me {k} comes into {p} room at night and touches {o}",
        "{c} says {k} made {o} do sexual things",
        "{k} has been sexually abusing {c}",
        "{c} has been raped by {a}",
        "{c} told me {a} raped {o} at a party",
        "i think {k} is abusing {c}",
        "{c} just told me {k} has been molesting {o} for months",
        "{c} is 13 and pregnant by {a}",
        "{c} is pregnant and the father is a 24 year old man",
        "my 13 year old is pregnant by a grown man",
        "{a} is live streaming {c} and people are paying",
        "{c} is being paid to do things on a live stream by adults",
        "adults are paying {c} to strip on a livestream",
        "is it a sign of grooming? {k} makes {c} send {km} photos in {p} underwear",
        "is this grooming? {k} asked {c} to keep their sexual chats a secret",
        "how do i know if its grooming, {k} kisses {c} on the lips and tells {o} not to tell",
        "{k} has been sending {c} sexual messages",
        "{c} said {k} showed {o} porn and touched {o}",
        "{a} has been grooming {c} and now they are having sex",
        "{c} is sleeping with {a} twice {p} age",
        "{c} says {k} hurt {o} down below",
        "{a} is sending {c} sexual voice notes on {pl}",
        "{a} on {pl} wants {c} to show {ap} {p} body",
        "{a} asked {c} for a video of {o} in the shower",
        "i found messages where {a} asks {c} for pics of {p} bum",
        "my friend's 12 year old is being abused by {p} stepdad",
        "one of my pupils disclosed that {k} touches {o}",
        "looking back i think {k} has been abusing {c} all along and its still going on",
        '{c} said "he makes me touch him" about {k}',
        '{c} said {k} told {o} "its our little secret" after touching {o}',
        "{c} is being sexually exploited by older men",
        "{c} is being passed around by older men for sex",
        "men are giving {c} alcohol and having sex with {o}",
        "{a} paid {c} for sexual pictures",
        "{k} films {c} getting changed",
        "{k} has hidden a camera in {c}'s bedroom",
    ],
    "sextortion": [
        "someone is blackmailing {c} with nudes",
        "{a} says he will send {c}'s pictures to everyone unless {s} pays {money}",
        "they want {money} or they'll post {p} pics online",
        "{c} sent a nude and now they are demanding {money}",
        "someone on {pl} has {c}'s naked photos and is threatening to share them",
        "{c} is being sextorted on {pl}",
        "a girl on {pl} tricked {c} into sending pics and now wants money",
        "they're threatening to send {p} nudes to {p} school unless {s} pays",
        "{c} has been paying someone so they dont leak {p} photos",
        "{c} is being blackmailed over a video call",
        "{a} recorded {c} on video chat and says he'll share it with {p} friends",
        "they said they'll ruin {p} life and post the pics if {s} doesn't send more",
        "{c} is being forced to send more pictures or they'll share the first ones",
        "someone hacked {c}'s account and is threatening to expose {p} photos",
        "{c} is terrified, someone has {p} nudes and wants {money} by tonight",
        "they've made a group chat with {p} followers and said they'll post {p} pictures",
        "{c} paid {money} already and they still want more or they'll share the video",
        "a scammer has intimate photos of {c} and keeps asking for money",
        "{c} got a message saying pay or your nudes go to your family",
        "they're threatening to leak a video of {c} unless {s} sends more",
        "{c} told me someone online is blackmailing {o}",
    ],
    "meeting_online_contact": [
        "{c} is going to meet {a} from {pl} {t}",
        "{c} is meeting someone {s} met on {pl} {t}",
        "{c} has gone to meet a man from {pl} at {pc}",
        "{a} {s} talks to on {pl} is picking {o} up {t}",
        "{c} has arranged to meet {a} {s} only knows from {pl}",
        "{c} is on {p} way to meet someone from {pl}",
        "{a} from {pl} has bought {c} a train ticket to come and see him",
        "{a} from {pl} sent {c} money for a taxi to meet him",
        "{c} is sneaking out {t} to meet {p} online boyfriend who is 25",
        "{c} told me {s} is meeting {p} online friend at {pc} {t}",
        "{a} from {pl} keeps asking {c} to meet up alone",
        "{c} is with {a} {s} met online right now",
        "{c} has run off to meet an older man from {pl}",
        "{a} from {pl} is waiting for {c} at {pc}",
        "i found messages, {c} is meeting a grown man from {pl} {t}",
        "{c}'s online boyfriend is coming to get {o} {t}",
        "{c} is in a car with someone {s} met on {pl}",
        "{a} on {pl} told {c} to come to {pc} alone and not tell anyone",
        "{c} says a man from {pl} booked {o} a hotel room",
    ],
    "missing_child": [
        "{c} hasn't come home",
        "{c} is missing",
        "{c} hasn't come home from school and {sis} not answering {p} phone",
        "{c} didnt come back from the party last night",
        "{c} went to a party and never came home",
        "{c} has been gone {hr} and {p} phone is off",
        "{sis} not home and its 2am",
        "{sis} still not back from school",
        "i cant find {c} anywhere",
        "nobody has seen {c} {hr}",
        "{c} has run away and we dont know where {s} is",
        "{c} left with {a} and isnt answering",
        "{c} got into a car with {a} and hasn't been seen since",
        "{c} sent me a message saying goodbye and now {sis} not answering",
        "{c} texted sorry mum i love you and then went silent",
        "{c} said goodbye in a weird message and now i cant reach {o}",
        "{c} posted a goodbye message and {p} location is off",
        "{c} was supposed to be home at 6 and it's now midnight",
        "{c} didn't turn up at school and {p} phone goes straight to voicemail",
        "{c} has vanished, {p} bed hasnt been slept in",
        "someone has taken {c}",
        "{a} tried to snatch {c} on the way home",
        "{c} has been kidnapped",
        "{c} is missing and {s} was talking to {a} on {pl}",
        "{c}'s friend says {s} left the party with some older men {hr} ago",
        "{c} went to the shop {hr} ago and never came back",
        "{c} has gone and taken a bag of clothes and {p} phone is off",
        "my friend's son hasn't been home {hr}",
    ],
    "immediate_danger": [
        "{c} is in danger",
        "{c} is not safe right now",
        "{a} is outside our house now and {c} is scared",
        "there's {a} standing outside the house watching {c}'s window",
        "a stranger is outside our front door asking for {c}",
        "{a} is following {c} home",
        "{c} rang me saying {a} is following {o}",
        "{c} is being held at an address in {town}",
        "{c} is being kept at a flat and cant leave",
        "{c} is locked in a room at {a}'s house",
        "{c}'s boyfriend strangled {o}",
        "{c}'s boyfriend choked {o} until {s} passed out",
        "{c}'s 19 year old boyfriend put his hands round {p} neck",
        "{k} hits {c}",
        "{k} beats {c} and leaves bruises",
        "{k} threw {c} against the wall",
        "{c} has been beaten up and is bleeding",
        "{c} got jumped on the way home and they kicked {o} in the head",
        "{c} has been stabbed",
        "{c} has been attacked at {pc}",
        "{c} has been spiked at a party and cant stand",
        "i think someone drugged {c}'s drink",
        "{c} is being hurt by {k}",
        "{a} grabbed {c} and tried to drag {o} into a van",
        "{a} is trying to get {c} into his car",
        "{c} called me screaming that someone is attacking {o}",
        "{c} is hiding in a shop because some men are chasing {o}",
        "help {c} is in trouble and {a} wont let {o} leave",
        "{c} is with {a} who is hurting {o}",
        "{k} locks {c} in {p} room without food",
    ],
    "threats_to_hurt": [
        "someone is threatening to kill {c}",
        "{a} said he will hurt {c}",
        "{c} is getting death threats on {pl}",
        "they said they know where we live and they're coming for {c}",
        "some lads said they will stab {c} if {s} goes to school",
        "{c} has been threatened by a gang",
        "{a} sent {c} a message saying {s} will be dead by friday",
        "{c} is getting threatening messages saying they will hurt {o}",
        "they said they are going to shoot {c}",
        "older boys said they will beat {c} up after school",
        "{c}'s ex is threatening to hurt {o}",
        "they've threatened to burn our house down with {c} inside",
        "a gang told {c} they'll hurt {p} little sister if {s} talks",
        "someone keeps messaging {c} saying we're going to get you",
        "{c} told me people are saying they will kill {o}",
    ],
    "weapons": [
        "{c} has {w}",
        "i found {w} in {c}'s bag",
        "{c} is carrying {w}",
        "{c} keeps {w} under {p} bed",
        "{c} bought {w} online",
        "{c} says {s} needs {w} for protection",
        "{c} took {w} to school",
        "found {w} hidden in {c}'s wardrobe",
        "{c} has been going out with {w} in {p} pocket",
        "someone gave {c} {w} to hold",
        "{c}'s friends are all carrying knives and {s} has one now",
        "{c} showed me a picture of {o} holding {w}",
        "{c} is hiding a gun for older boys",
        "i just found a blade in {c}'s coat pocket",
    ],
    "attack_plans": [
        "{c} is planning an attack on {p} school",
        "{c} says {s} wants to shoot up the school",
        "{c} has been looking up how to make a bomb",
        "{c} has a list of people {s} wants to kill",
        "{c} told {p} friends {s} is going to stab people at school",
        "{c} is talking about killing people at the mosque",
        "{c} has joined an extremist group that is planning violence",
        "{c} is in a chat where they are planning a terrorist attack",
        "i found bomb making instructions on {c}'s laptop",
        "{c} says {s} is going to blow up a building",
        "{c} has been buying chemicals and talking about a bombing",
        "{c} wants to do a mass shooting like the ones in america",
        "{c} is making a hit list of teachers",
        "{c} said {s} will attack people at the synagogue",
        "{c} is being encouraged by people online to carry out an attack",
    ],
    "county_lines": [
        "{c} is being forced to sell {d}",
        "{c} has been sent to {town} to sell {d}",
        "a gang is making {c} carry {d}",
        "{c} owes a drug debt and they are making {o} work it off",
        "{c} has a drug debt and the dealers say {s} has to pay or else",
        "{c} was robbed of the {d} {s} was holding and now owes the gang",
        "{c} is being made to run county lines",
        "dealers are using our flat and {c} is scared",
        "{c} is being kept in a trap house in {town}",
        "a gang took {c} to {town} to deal",
        "{c} is being told to hide {d} inside {p} body",
        "{c} is being trafficked to sell {d}",
        "older boys make {c} hold {d} for them",
        "{c} gets calls telling {o} where to deliver {d}",
        "{c} is being exploited by a gang and cant get out",
        "{c} has been cuckooed, dealers have taken over {p} flat",
        "the gang said {c} has to keep dealing to pay off the debt",
    ],
    "self_harm": [
        "{c} says {s} wants to die",
        "{c} has been cutting {p} arms",
        "{c} is talking about killing {o}self",
        "{c} has taken an overdose",
        "{c} swallowed a load of pills",
        "{c} says {s} cant go on anymore",
        "{c} is on the bridge and wont come down",
        "{c} wrote a suicide note",
        "{c} says everyone would be better off without {o}",
        "{c} is self harming",
        "{c} has given all {p} things away and said goodbye",
        "{c} told me {s} doesn't want to be alive",
        "{c} has been searching how to end {p} life",
        "{c} keeps saying {s} is going to hang {o}self",
        "{c} has locked {o}self in the bathroom with a razor",
    ],
}

# --- harmless templates by category -------------------------------------------
HARMLESS: Dict[str, List[str]] = {
    "idiom": [
        "{c} is killing it at netball this season",
        "{c} absolutely killed it in the school play",
        "{c} smashed {p} exams",
        "{c} bombed {p} maths test",
        "{c} is dying to go to the concert",
        "{c} says the homework is killing {o}",
        "{sis} been dead funny today",
        "{c} nearly died laughing at the film",
        "{c} shot up in height over the summer",
        "{c}'s band blew up on {pl}",
        "this heat is killing me",
        "{c} would murder a pizza right now",
        "{c}'s new haircut is a knockout",
        "{c} knocked it out of the park in {p} interview",
        "{c} is crushing it at school",
        "{c}'s drawing is to die for",
        "{c} says {p} teacher is a nightmare",
        "{c} got roasted by {p} mates for {p} haircut",
    ],
    "game": [
        "{c} loves shooting games",
        "{c} keeps getting killed in {pl}",
        "{c} plays murder mystery on roblox every night",
        "{c} wants a knife skin in the game",
        "{c} spends all weekend playing fortnite with school friends",
        "{c} got a new sword in minecraft",
        "{c} is obsessed with a zombie game",
        "{c} blew up {p} brother's base in minecraft",
        "{c} keeps dying on the same level",
        "{c} and {p} dad play call of duty together",
        "is fortnite ok for a 10 year old",
        "{c} wants a nerf gun for {p} birthday",
        "{c} has a water pistol fight with the neighbours",
        "{c} is playing hide and seek and hiding really well",
    ],
    "sport": [
        "{c} scored with a great shot on saturday",
        "{c} is the best striker in the team",
        "{c} plays attacking midfield",
        "{c} got tackled hard at rugby but is fine",
        "{c}'s team beat them 4-0",
        "{c} has a killer serve",
        "{c} is doing fencing and loves the swords",
        "{c} got a black eye from a cricket ball",
        "{c}'s coach says {s} could go pro",
        "{c} is knackered after cross country",
        "{c} is learning to box at the gym",
        "{c} took a shot to the face in hockey, just a bruise",
    ],
    "news_school": [
        "{c} is doing a school project on knife crime",
        "{c} has history homework about the london bombings",
        "we watched a documentary about county lines",
        "{c} is writing an essay on online safety",
        "{c} saw a news story about a missing girl and got upset",
        "{c}'s school had an assembly on grooming",
        "{c} is reading a book about a kidnapping",
        "{c} has to do a presentation on extremism for PSHE",
        "there was a stabbing in the news near us",
        "{c} is revising the causes of world war 2",
        "{c} is playing a villain in the school play",
        "{c} has to write a crime story for english",
        "{c}'s class is learning about the holocaust",
        "the police came into school to talk about drugs",
    ],
    "lost_thing": [
        "{c} is missing {p} charger",
        "{c} has lost {p} phone again",
        "{c} cant find {p} trainers",
        "{c} is missing {p} dad since he moved out",
        "{c} missed the bus this morning",
        "{c} has been missing {p} friends since we moved",
        "{c}'s PE kit has gone missing",
        "the cat has gone missing",
        "{c} is missing school with a cold",
        "{c} keeps losing {p} keys",
        "{c} lost {p} purse at the cinema",
        "{c} has missed three football practices",
    ],
    "question": [
        "what are the signs of grooming",
        "how do i know if {c} is being groomed",
        "what is sextortion",
        "how do i report something to ceop",
        "who do i call if i think a child is being exploited",
        "what does county lines mean",
        "how can i tell if {c} is in a gang",
        "what should i look out for with online games",
        "what are the warning signs of radicalisation",
        "is it normal for {c} to want privacy online",
        "how do i talk to {c} about sending nudes",
        "what age can {c} have snapchat",
        "how do i set parental controls on {pl}",
        "what's the number for the nspcc",
        "can you tell me about cuckooing",
        "what does it mean if {c} has two phones",
        "how do i report a fake account",
        "what is a trap house",
        "what should i do if i find a knife in my childs room",
        "where can i get advice about self harm",
        "how do i know if {c} is being bullied",
        "what is child criminal exploitation",
        "what are the signs someone is planning to run away",
        "how do gangs recruit kids",
        "what's the difference between grooming and a friendship",
    ],
    "hypothetical": [
        "what would i do if a stranger ever messaged {c}",
        "if {c} ever went missing how long should i wait to call",
        "what if someone asked {c} for photos one day",
        "should i be worried if {c} ever met someone from online",
        "if {c} got a threatening message what should {s} do",
        "in case {c} is ever offered drugs what should i say",
        "what should {c} do if {s} ever felt unsafe",
        "if someone tried to blackmail {c} would the police help",
        "how would i spot it if {c} started self harming",
    ],
    "negation": [
        "i don't think {c} is in any danger",
        "no one has hurt {c}, i'm just worried",
        "{c} isn't missing, {sis} at {p} dad's",
        "{c} hasn't been threatened, {s} is just anxious",
        "nobody is blackmailing {c}, {s} just has a lot of followers",
        "{c} is safe, i just want some advice",
        "{c} doesn't have a knife, it was a pencil case",
        "{c} is not being groomed, the man is {p} real uncle and they get on well",
        "i checked and {c} is fine, {sis} at {p} friend's house",
        "{c} hasnt done anything dangerous i just want to be prepared",
        "{c} is not in a gang, {s} just hangs out at the skate park",
        "no one is asking {c} for pictures, i'm just worried",
        "{c} isn't suicidal, {sis} just sad about {p} exams",
    ],
    "resolved": [
        "{c} came home last night and {sis} safe now",
        "{c} went missing for an hour last year but was at a friend's",
        "{c} was bullied a few years ago but it's sorted now",
        "the man who messaged {c} was arrested and {sis} doing well",
        "{c} had counselling after what happened and is much happier",
        "{c} used to self harm but has been fine for two years",
        "we reported it to the police last year and it's all over now",
        "{c} got back safe, thanks for the help",
        "{c} was found, {sis} home and asleep",
        "{c} blocked the account and it stopped months ago",
    ],
    "sign": [
        "{c} has two phones",
        "{c} has a new older boyfriend",
        "{c} has been really secretive about {p} phone",
        "{c} is chatting to an older guy on {pl}",
        "{c} has new trainers and wont say where from",
        "{c} comes home late and wont say where {s} has been",
        "{c} has started skipping school",
        "{c} has become really withdrawn",
        "{c} has loads of cash and no job",
        "{c} is getting gifts from someone online",
        "{c} has dropped all {p} old friends",
        "{c} keeps getting picked up by cars i don't know",
        "{c} has started saying extreme things about other religions",
        "{c} watches a lot of conspiracy videos",
        "{c} hides {p} screen when i walk in",
        "{c} has a secret snapchat account",
        "{c} is hanging around with older lads",
        "{c} smells of weed when {s} comes in",
        "{c}'s grades have dropped and {sis} always tired",
        "{c} has been going to another town at weekends",
        "i think {c} might have a burner phone",
        "{c} is really moody lately",
        "{c} deletes all {p} messages",
        "{c} has a lot of followers {s} doesn't know",
    ],
    "everyday": [
        "{c} won't go to bed on time",
        "{c} is having a sleepover {t}",
        "{c} is going to a party {t}, any tips",
        "{c} is at {p} dad's this weekend",
        "{c} is staying at {p} friend's {t}",
        "{c} wants to get the bus to town on {p} own",
        "{c} has started secondary school",
        "{c} met {p} online friend's mum at the park and they got on",
        "{c} is going on a school trip to {town}",
        "{c} wants to walk home from school with friends",
        "{c} is late home because of detention",
        "{c} wants a phone for {p} birthday",
        "{c} is going to a festival with {p} cousin",
        "{c} keeps arguing with {p} brother",
        "{c} is staying up late gaming",
        "{c} had a falling out with {p} best friend",
    ],
}

# Short danger messages with no slots; the kind is given.
SHORT_DANGER: List[Tuple[str, str]] = [
    ("hes not home", "missing_child"),
    ("shes not back yet and its late", "missing_child"),
    ("he never came home", "missing_child"),
    ("she's gone missing", "missing_child"),
    ("they took her", "missing_child"),
    ("he's been taken", "missing_child"),
    ("hes got a knife", "weapons"),
    ("she has a blade", "weapons"),
    ("he wants to kill himself", "self_harm"),
    ("she took pills", "self_harm"),
    ("someones hurting her", "immediate_danger"),
    ("hes bleeding", "immediate_danger"),
    ("man outside the house", "immediate_danger"),
    ("theres someone outside now", "immediate_danger"),
    ("shes with him now", "meeting_online_contact"),
    ("hes meeting him tonight", "meeting_online_contact"),
    ("they want money for her pics", "sextortion"),
    ("hes being blackmailed", "sextortion"),
    ("they said theyll kill him", "threats_to_hurt"),
    ("hes being made to deal", "county_lines"),
    ("he asked her for nudes", "sexual_abuse"),
    ("he touched her", "sexual_abuse"),
]
SHORT_HARMLESS = [
    "hes not hungry",
    "shes not back at school till monday",
    "he never tidies his room",
    "she's gone to bed",
    "they took ages",
    "he's been picked for the team",
    "hes got a cold",
    "she has a blade of grass in her hair",
    "he wants to quit piano",
    "she took the dog out",
    "shes with her nan",
    "hes meeting his mates later",
    "they want money for the school trip",
    "hes being silly",
    "they said theyll come round",
    "hes made a cake",
    "he asked her to the prom",
    "she touched the stove and burnt her finger",
    "hes home now",
    "all sorted now",
]

# --- ways of typing -----------------------------------------------------------
TEXT_SPEAK = {
    "you": "u",
    "your": "ur",
    "are": "r",
    "tonight": "2nite",
    "tomorrow": "2moro",
    "please": "pls",
    "because": "cos",
    "someone": "some1",
    "anyone": "any1",
    "people": "ppl",
    "with": "w",
    "what": "wat",
    "really": "rly",
    "going to": "gonna",
    "want to": "wanna",
    "message": "msg",
    "pictures": "pics",
    "photos": "pics",
    "about": "abt",
    "year old": "yr old",
    "before": "b4",
    "boyfriend": "bf",
    "girlfriend": "gf",
    "something": "sumthin",
    "just": "jst",
    "doesn't": "dosnt",
    "thanks": "thx",
    "know": "kno",
    "they're": "there",
    "hasn't": "hasnt",
    "isn't": "isnt",
}
AMERICAN = {
    "mum": "mom",
    "mummy": "mommy",
    "quid": "dollars",
    "£": "$",
    "mobile": "cell phone",
    "police": "cops",
    "year 9": "8th grade",
    "secondary school": "middle school",
    "shopping centre": "mall",
    "trainers": "sneakers",
    "neighbour": "neighbor",
    "bloke": "dude",
    "lad": "guy",
    "flat": "apartment",
    "maths": "math",
    "revising": "studying",
    "football": "soccer",
}
KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


def _sub_words(text: str, table: Dict[str, str], rng: random.Random, chance: float) -> str:
    for word, replacement in table.items():
        pattern = re.compile(rf"(?<![\w£]){re.escape(word)}(?!\w)" if word != "£" else "£", re.IGNORECASE)
        if pattern.search(text) and rng.random() < chance:
            text = pattern.sub(replacement, text)
    return text


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    how = rng.randrange(4)
    if how == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if how == 1:
        return word[:i] + word[i + 1 :]
    if how == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(KEYBOARD) + word[i + 1 :]


def typed(text: str, rng: random.Random) -> str:
    """The message as some parents would type it: each way with its own chance."""
    if rng.random() < 0.12:
        text = _sub_words(text, AMERICAN, rng, 0.9)
    if rng.random() < 0.3:
        text = _sub_words(text, TEXT_SPEAK, rng, 0.7)
    if rng.random() < 0.35:
        text = text.replace("'", "")
    elif rng.random() < 0.15:
        text = text.replace("'", "\u2019")
    if rng.random() < 0.25:
        words = text.split(" ")
        for _ in range(rng.choice([1, 1, 2])):
            j = rng.randrange(len(words))
            words[j] = _typo(words[j], rng)
        text = " ".join(words)
    roll = rng.random()
    if roll < 0.05:
        text = text.upper()
    elif roll < 0.35:
        text = text[:1].upper() + text[1:]
    return text


def _fill(template: str, rng: random.Random) -> str:
    """The template with a child, their pronouns, two adults and one of each filler, drawn from ``rng``."""
    gender = rng.choice("fm")
    child = rng.choice(GIRLS if gender == "f" else BOYS)
    s, o, p, sis = PRONOUNS[gender]
    adult, adult_gender = rng.choice(ADULTS)
    known, known_gender = rng.choice(KNOWN_ADULTS)
    adult, known = adult.format(s=s, p=p), known.format(p=p)
    people = {"c": child, "s": s, "o": o, "p": p, "sis": sis, "a": adult, "k": known}
    people |= dict(zip(("ah", "am", "ap"), ADULT_PRONOUNS[adult_gender], strict=True))
    people |= dict(zip(("kh", "km", "kp"), ADULT_PRONOUNS[known_gender], strict=True))
    # One draw from each list, in this order (the file is the same each time it is made).
    draws = {key: rng.choice(choices) for key, choices in _FILLERS}
    return template.format(**people, **draws)


def _expand(templates: Iterable[str], rng: random.Random, urgent: bool) -> List[str]:
    openers, closers = (OPENERS, CLOSERS) if urgent else (NEUTRAL_OPENERS, NEUTRAL_CLOSERS)
    out = []
    for template in templates:
        for _ in range(PER_TEMPLATE["danger" if urgent else "harmless"]):
            text = _fill(template, rng)
            text = rng.choice(openers) + text + rng.choice(closers)
            out.append(typed(text.strip(), rng))
    return out


def key(text: str) -> str:
    """How two messages are compared: letters and digits only, lower case."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower().replace("\u2019", "'").replace("'", "")).strip()


def test_set_keys() -> Set[str]:
    """Every message of the test sets, so that none is trained on."""
    keys: Set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            for line in node.splitlines():
                keys.add(key(line.lstrip("- ")))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((ROOT / TEST_SETS).rglob("*.yml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return keys


def generate() -> Dict[str, Dict[str, List[str]]]:
    """The generated messages: {"danger": {kind: [text]}, "harmless": {category: [text]}}."""
    rng = random.Random(SEED)
    excluded = test_set_keys()
    # Nor anything a test message nearly repeats (bench/sets.py's leak check).
    near = NearDuplicates(excluded)
    seen: Set[str] = set()
    out: Dict[str, Dict[str, List[str]]] = {"danger": {}, "harmless": {}}

    def keep(group: str, label: str, texts: Iterable[str]) -> None:
        for text in texts:
            k = key(text)
            if k and k not in seen and k not in excluded and not near.of(text):
                seen.add(k)
                out[group].setdefault(label, []).append(text)

    for kind, templates in DANGER.items():
        keep("danger", kind, _expand(templates, rng, urgent=True))
    for kind_text, kind in SHORT_DANGER:
        keep("danger", kind, [typed(kind_text, rng) for _ in range(3)])
    for category, templates in HARMLESS.items():
        keep("harmless", category, _expand(templates, rng, urgent=False))
    keep("harmless", "short", [typed(text, rng) for text in SHORT_HARMLESS for _ in range(3)])
    return out


def render(data: Dict[str, Dict[str, List[str]]]) -> str:
    """The YAML file's text."""
    header = (
        "# Generated by scripts/make_danger_training.py (fixed seed): edit the script, not this file.\n"
        "# Training messages for the danger classifier: danger by kind, harmless by category.\n"
    )
    return header + yaml.safe_dump({"version": 1, **data}, allow_unicode=True, sort_keys=False, width=200)


def main() -> None:
    """Write the file, or with --check say whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file is out of date")
    args = parser.parse_args()
    data = generate()
    text = render(data)
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUT.relative_to(ROOT)} is out of date: run python scripts/make_danger_training.py")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    counts = {group: sum(len(v) for v in data[group].values()) for group in data}
    print(f"wrote {OUT.relative_to(ROOT)}: {counts['danger']} danger, {counts['harmless']} harmless")


if __name__ == "__main__":
    main()
