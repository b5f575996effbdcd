-- Citations of practices, written `[@PL-001]` in chapters, become links to the profile.
-- In the PDF, print CSS adds the page number of the target after each link.
local page_prefix = "p."

function Meta(meta)
  if meta["page-prefix"] then page_prefix = pandoc.utils.stringify(meta["page-prefix"]) end
end

local function is_practice(id)
  return id:match("^%u%u%-%d%d%d$") ~= nil
end

function Cite(cite)
  local out = pandoc.List()
  for i, c in ipairs(cite.citations) do
    if not is_practice(c.id) then return nil end
    if i > 1 then out:insert(pandoc.Str("; ")) end
    out:insert(pandoc.Link({pandoc.Str(c.id)}, "#practice-" .. c.id:lower(), "",
      pandoc.Attr("", {"practice-ref"}, {{"data-page-prefix", page_prefix}})))
  end
  local bracketed = cite.citations[1].mode ~= "AuthorInText"
  if bracketed then
    out:insert(1, pandoc.Str("("))
    out:insert(pandoc.Str(")"))
  end
  return pandoc.Span(out, pandoc.Attr("", {"practice-cite"}))
end

return {{Meta = Meta}, {Cite = Cite}}
