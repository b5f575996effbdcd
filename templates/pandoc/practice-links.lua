-- Citations of practices, written `[@PL-001]` in chapters, become links to the profile
-- where the edition has it, and stay plain ids where it does not (a brief edition
-- cites practices it does not profile). In the PDF, print CSS adds the page number of
-- the target after each link.
local page_prefix = "p."
local practices, profiled = {}, {}

function Meta(meta)
  if meta["page-prefix"] then page_prefix = pandoc.utils.stringify(meta["page-prefix"]) end
  for _, id in ipairs(meta["practice-ids"] or {}) do practices[pandoc.utils.stringify(id)] = true end
  for _, id in ipairs(meta["profiled-practices"] or {}) do profiled[pandoc.utils.stringify(id)] = true end
end

function Cite(cite)
  local out = pandoc.List()
  for i, c in ipairs(cite.citations) do
    if not practices[c.id] then return nil end
    if i > 1 then out:insert(pandoc.Str("; ")) end
    if profiled[c.id] then
      out:insert(pandoc.Link({pandoc.Str(c.id)}, "#practice-" .. c.id:lower(), "",
        pandoc.Attr("", {"practice-ref"}, {{"data-page-prefix", page_prefix}})))
    else
      out:insert(pandoc.Str(c.id))
    end
  end
  local bracketed = cite.citations[1].mode ~= "AuthorInText"
  if bracketed then
    out:insert(1, pandoc.Str("("))
    out:insert(pandoc.Str(")"))
  end
  return pandoc.Span(out, pandoc.Attr("", {"practice-cite"}))
end

return {{Meta = Meta}, {Cite = Cite}}
