using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LookupIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_identity_conflicts_IdentifierValue",
                table: "identity_conflicts",
                column: "IdentifierValue");

            migrationBuilder.CreateIndex(
                name: "IX_customer_identifiers_Value",
                table: "customer_identifiers",
                column: "Value");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_identity_conflicts_IdentifierValue",
                table: "identity_conflicts");

            migrationBuilder.DropIndex(
                name: "IX_customer_identifiers_Value",
                table: "customer_identifiers");
        }
    }
}
