// The explorer page: plain JavaScript over the same GraphQL API, with the analyst's token.
// Rendered state is mirrored in data-* attributes of <body> so tests (and curious users) can
// read what is on screen: data-network-nodes, data-network-edges, data-gap-groups, data-map-points,
// and whether it reads well: data-edge-labels (edge labels drawn at rest), data-labels-outside
// (network labels cut by the canvas edge), data-map-labels-outside, data-gap-labels and
// data-supply-labels (bars with their label; Chart.js skips labels that do not fit).
"use strict";

const COLOURS = {
  Organization: "#2f6fb0", Community: "#3b9a57", District: "#7bbf8e", City: "#a8d5b5",
  Resident: "#d2691e", Need: "#e0a030", Volunteer: "#8e44ad", SocialWorker: "#c0392b",
  Project: "#16a085", Fund: "#b8860b", Resource: "#7f8c8d", Venue: "#95a5a6",
  Recruitment: "#5d6d7e", ServiceRecord: "#bdc3c7", Referral: "#e67e22", Skill: "#9fb3c8",
  ServiceCategory: "#c3cfe2", Expert: "#6c3483", ThinkTank: "#4a235a", TimeBankEntry: "#d5d8dc",
};
// Relationship types get a colour each (edges), named in the legend: around a hub, dozens of
// edge labels would pile into a knot, so an edge's label shows only while it or one of its ends
// is under the pointer.
const EDGE_PALETTE = ["#2f6fb0", "#3b9a57", "#d35400", "#8e44ad", "#b8860b", "#16a085", "#c0392b",
  "#5d6d7e", "#e0a030", "#7f8c8d", "#6c3483", "#1abc9c"];
const edgeColours = {};
function edgeColour(type) {
  if (!(type in edgeColours)) edgeColours[type] = EDGE_PALETTE[Object.keys(edgeColours).length % EDGE_PALETTE.length];
  return edgeColours[type];
}
const $ = (id) => document.getElementById(id);
let token = localStorage.getItem("crg-token") || "";
let cy = null;
let gapChart = null;
let supplyChart = null;

function status(text) { $("status").textContent = text || ""; }

async function gql(query, variables = {}) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }));
  if (body.errors && body.errors.length) {
    throw new Error(body.errors.map((e) => `${e.message} (${(e.extensions || {}).code || response.status})`).join("; "));
  }
  return body.data;
}

// --- token ---------------------------------------------------------------------------------
async function useToken(value) {
  token = value.trim();
  localStorage.setItem("crg-token", token);
  $("who").textContent = token ? "token set" : "anonymous";
  await loadArea();
}

$("token-form").addEventListener("submit", (e) => { e.preventDefault(); useToken($("token").value); });
$("demo-token").addEventListener("click", async () => {
  const response = await fetch("/explore/demo-token");
  if (response.ok) { const { token: t } = await response.json(); $("token").value = t; await useToken(t); }
});

// --- search and the network ----------------------------------------------------------------
const SEARCH = `query ($q: String!) {
  organizations(search: $q, first: 8) { nodes { id name } }
  communities(search: $q, first: 5) { nodes { id name } }
  projects(search: $q, first: 5) { nodes { id name } }
  funds(search: $q, first: 5) { nodes { id name } }
}`;

$("search-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  status("");
  try {
    const data = await gql(SEARCH, { q: $("search").value });
    const list = $("results");
    list.innerHTML = "";
    for (const [kind, found] of Object.entries(data)) {
      for (const node of found.nodes) {
        const li = document.createElement("li");
        li.dataset.id = node.id;
        li.innerHTML = `${escapeHtml(node.name)} <small>${kind}</small>`;
        li.addEventListener("click", () => showNeighbourhood(node.id, true));
        list.appendChild(li);
      }
    }
    if (!list.children.length) status("Nothing found.");
  } catch (err) { status(err.message); }
});

const HOOD = `query ($id: ID!) {
  neighborhood(id: $id, depth: 1, limit: 150) {
    truncated
    nodes { id label name nameWithheld }
    edges { type source target }
  }
}`;

async function showNeighbourhood(id, fresh) {
  status("");
  let data;
  try { data = await gql(HOOD, { id }); } catch (err) { status(err.message); return; }
  const hood = data.neighborhood;
  if (fresh || !cy) newNetwork();
  const elements = [];
  for (const n of hood.nodes) {
    if (cy.getElementById(n.id).length === 0) {
      elements.push({ group: "nodes", data: { id: n.id, label: n.name || n.label, kind: n.label, colour: COLOURS[n.label] || "#999" } });
    }
  }
  hood.edges.forEach((e) => {
    const edgeId = `${e.source}|${e.type}|${e.target}`;
    if (cy.getElementById(edgeId).length === 0) {
      elements.push({ group: "edges", data: { id: edgeId, source: e.source, target: e.target, label: e.type, colour: edgeColour(e.type) } });
    }
  });
  cy.add(elements);
  cy.getElementById(id).addClass("root");
  // Labels count as part of a node, so the layout keeps them apart; fit with room for them.
  cy.layout({
    name: "cose", animate: false, randomize: fresh, nodeDimensionsIncludeLabels: true,
    nodeRepulsion: 40000, idealEdgeLength: 110, padding: 20,
  }).run();
  cy.fit(cy.elements(), 20);
  document.body.dataset.networkNodes = String(cy.nodes().length);
  document.body.dataset.networkEdges = String(cy.edges().length);
  measureNetwork();
  $("network-count").textContent = `${cy.nodes().length} nodes, ${cy.edges().length} links${hood.truncated ? " (truncated)" : ""}`;
  legend();
}

// What the tests read: edge labels drawn at rest, node labels cut off by the canvas edge.
function measureNetwork() {
  const [w, h] = [cy.width(), cy.height()];
  const outside = cy.nodes().filter((n) => {
    const b = n.renderedBoundingBox({ includeLabels: true });
    return b.x1 < -1 || b.y1 < -1 || b.x2 > w + 1 || b.y2 > h + 1;
  });
  document.body.dataset.labelsOutside = String(outside.length);
  document.body.dataset.edgeLabels = String(cy.edges(".labelled").length);
}

function newNetwork() {
  if (cy) cy.destroy();
  cy = cytoscape({
    container: $("network"),
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 11, width: 18, height: 18, "text-wrap": "ellipsis", "text-max-width": 110, "text-background-color": "#fbfcfd", "text-background-opacity": 0.85, "text-background-padding": 1, "z-index": 20 } },
      { selector: "node.root", style: { "border-width": 3, "border-color": "#222", width: 26, height: 26, "font-weight": "bold", "font-size": 13 } },
      { selector: "edge", style: { width: 1.2, "line-color": "data(colour)", "line-opacity": 0.7, "target-arrow-shape": "triangle", "target-arrow-color": "data(colour)", "curve-style": "bezier" } },
      { selector: "edge.labelled", style: { label: "data(label)", "font-size": 8, color: "#223", "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.9, "text-background-padding": 1, width: 2.5, "line-opacity": 1, "z-index": 10 } },
    ],
  });
  const labelled = (eles, on) => { eles.toggleClass("labelled", on); document.body.dataset.edgeLabels = String(cy.edges(".labelled").length); };
  cy.on("mouseover", "edge", (event) => labelled(event.target, true));
  cy.on("mouseout", "edge", (event) => labelled(event.target, false));
  // A node's own edges, unless it is a hub: more than a handful would overlap again.
  cy.on("mouseover", "node", (event) => { const edges = event.target.connectedEdges(); if (edges.length <= 8) labelled(edges, true); });
  cy.on("mouseout", "node", (event) => labelled(event.target.connectedEdges(), false));
  cy.on("tap", "node", (event) => {
    const node = event.target;
    $("selected").textContent = `${node.data("kind")}: ${node.data("label")}`;
    showNeighbourhood(node.id(), false);
  });
}

function legend() {
  const kinds = new Set(cy.nodes().map((n) => n.data("kind")));
  const types = {};
  cy.edges().forEach((e) => { types[e.data("label")] = (types[e.data("label")] || 0) + 1; });
  $("legend").innerHTML = [...kinds].sort().map((k) => `<span><i style="background:${COLOURS[k] || "#999"}"></i>${k}</span>`).join("") +
    `<div class="edge-legend">` + Object.keys(types).sort().map((t) => `<span><b style="background:${edgeColour(t)}"></b>${escapeHtml(t)} ×${types[t]}</span>`).join("") + `</div>`;
}

// --- area: map, gaps, supply and demand ----------------------------------------------------
const CHOICES = `{ districts(first: 100) { nodes { id name } }
  serviceCategories(first: 100) { nodes { id key name } } }`;

const AREA = `query ($d: ID!, $c: ID) {
  communities(first: 100, filter: { district: $d }) {
    nodes { id name location { latitude longitude } volunteers(first: 1) { totalCount } }
  }
  coverageGaps(districtId: $d, categoryId: $c) {
    subjects short truncated
    groups { communityName categoryName subjects short uncovered community { id } }
  }
  statistics(districtId: $d) { supplyDemand { categoryName supplySlots demandSlots } }
}`;

async function loadChoices() {
  const data = await gql(CHOICES);
  const district = $("district");
  district.innerHTML = data.districts.nodes.map((d) => `<option value="${d.id}">${escapeHtml(d.name)}</option>`).join("");
  const category = $("category");
  category.innerHTML = `<option value="">(all categories)</option>` +
    data.serviceCategories.nodes.map((c) => `<option value="${c.id}">${escapeHtml(c.name)}</option>`).join("");
  const params = new URLSearchParams(location.search);
  if (params.get("district")) district.value = params.get("district");
  if (params.get("category")) category.value = params.get("category");
}

$("area-form").addEventListener("submit", (e) => { e.preventDefault(); loadArea(); });

async function loadArea() {
  status("");
  try {
    if (!$("district").options.length) await loadChoices();
    const data = await gql(AREA, { d: $("district").value, c: $("category").value || null });
    drawMap(data.communities.nodes, data.coverageGaps.groups);
    drawGaps(data.coverageGaps);
    drawSupply(data.statistics.supplyDemand);
  } catch (err) { status(err.message); }
}

function drawMap(communities, groups) {
  // Community centres on a plain background: no map tiles needed (works offline).
  const svg = $("map");
  const needs = {};
  for (const g of groups) needs[g.community.id] = (needs[g.community.id] || 0) + g.subjects;
  const placed = communities.filter((c) => c.location);
  const lats = placed.map((c) => c.location.latitude), lons = placed.map((c) => c.location.longitude);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const x = (lon) => 30 + (340 * (lon - minLon)) / ((maxLon - minLon) || 1);
  const y = (lat) => 280 - (250 * (lat - minLat)) / ((maxLat - minLat) || 1);
  svg.innerHTML = placed.map((c) => {
    const cx = x(c.location.longitude), cy_ = y(c.location.latitude);
    const r = 4 + 2 * Math.sqrt(needs[c.id] || 0);
    const ring = 4 + 2 * Math.sqrt(c.volunteers.totalCount || 0);
    return `<g class="community" data-id="${c.id}"><circle cx="${cx}" cy="${cy_}" r="${ring}" fill="none" stroke="#8e44ad" stroke-width="1.5"/>` +
      `<circle cx="${cx}" cy="${cy_}" r="${r}" fill="#e0a030" fill-opacity=".75"/>` +
      // Right of the point in the west half, left of it in the east half: never past the edge.
      `<text x="${cx < 200 ? cx + ring + 2 : cx - ring - 2}" y="${cy_ < 20 ? cy_ + ring + 9 : cy_ - ring}" text-anchor="${cx < 200 ? "start" : "end"}">` +
      `${escapeHtml(c.name)} · ${needs[c.id] || 0}/${c.volunteers.totalCount}</text></g>`;
  }).join("");
  document.body.dataset.mapPoints = String(placed.length);
  const [vw, vh] = [400, 300];
  document.body.dataset.mapLabelsOutside = String([...svg.querySelectorAll("text")].filter((t) => {
    const b = t.getBBox();
    return b.x < 0 || b.y < 0 || b.x + b.width > vw || b.y + b.height > vh;
  }).length);
}

function drawGaps(gaps) {
  const rows = gaps.groups;
  const body = $("gap-table").querySelector("tbody");
  body.innerHTML = rows.map((g) => `<tr><td>${escapeHtml(g.communityName)}</td><td>${escapeHtml(g.categoryName)}</td><td>${g.subjects}</td><td>${g.short}</td><td>${g.uncovered}</td></tr>`).join("");
  const labels = rows.slice(0, 20).map((g) => `${g.communityName} · ${g.categoryName}`);
  if (gapChart) gapChart.destroy();
  // Room for every bar's label (Chart.js drops every other one when they do not fit).
  $("gap-chart").parentElement.style.height = `${60 + 30 * labels.length}px`;
  gapChart = new Chart($("gap-chart"), {
    type: "bar",
    data: { labels, datasets: [
      { label: "short of volunteers", data: rows.slice(0, 20).map((g) => g.short), backgroundColor: "#d35400" },
      { label: "needs surveyed", data: rows.slice(0, 20).map((g) => g.subjects), backgroundColor: "#aab7c4" },
    ] },
    options: {
      animation: false, indexAxis: "y", maintainAspectRatio: false,
      scales: { y: { ticks: { autoSkip: false } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  document.body.dataset.gapGroups = String(rows.length);
  document.body.dataset.gapBars = String(gapChart.getDatasetMeta(0).data.length);
  document.body.dataset.gapLabels = String(gapChart.scales.y.getLabelItems().length);
}

function drawSupply(rows) {
  if (supplyChart) supplyChart.destroy();
  supplyChart = new Chart($("supply-chart"), {
    type: "bar",
    data: { labels: rows.map((r) => r.categoryName), datasets: [
      { label: "volunteer slots offered", data: rows.map((r) => r.supplySlots), backgroundColor: "#8e44ad" },
      { label: "volunteer slots needed", data: rows.map((r) => r.demandSlots), backgroundColor: "#e0a030" },
    ] },
    options: {
      animation: false, maintainAspectRatio: false,
      scales: { x: { ticks: { autoSkip: false, maxRotation: 90, minRotation: 45 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  document.body.dataset.supplyBars = String(rows.length);
  document.body.dataset.supplyLabels = String(supplyChart.scales.x.getLabelItems().length);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch]));
}

// --- start ---------------------------------------------------------------------------------
(async () => {
  $("token").value = token;
  const demo = await fetch("/explore/demo-token", { method: "HEAD" }).catch(() => null);
  $("demo-token").hidden = !(demo && demo.ok);
  if (token) await useToken(token);
  else status("Paste an analyst token (python -m cli token --role analyst --id …), or use the demo analyst.");
  document.body.dataset.ready = "true";
})();
